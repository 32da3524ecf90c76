"""mfgdata: manufacturing data products."""

__version__ = "0.1.0"
