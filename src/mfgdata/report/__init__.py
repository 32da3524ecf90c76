"""The self-contained HTML report (report.html) and the sections steps contribute."""
