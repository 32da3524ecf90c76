"""Stored uploads and their checks, used by ``api/`` and ``jobs/`` (never the reverse).

- ``checks``: what a file is by its bytes, zip archives and JSON nesting made safe;
- ``storage``: where uploads live (``{home}/uploads/<org>/<id>/``), the streaming sink, placing
  a received file (sniffed, checked, unpacked) and the data files a build reads;
- ``repository``: the ``uploads`` rows (keyword-only functions) and their public shape.
"""
