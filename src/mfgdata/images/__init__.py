"""Image datasets: reading (folders, zips, labels), profiling, quality checks.

``inspect(paths, labels)`` runs all three and returns an ``Inspection``; the vision baseline,
packaging and the web gallery come later (issue 15, items 4-6).
"""
