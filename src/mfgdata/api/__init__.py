"""The web API: ``create_app()`` in :mod:`mfgdata.api.app`."""
