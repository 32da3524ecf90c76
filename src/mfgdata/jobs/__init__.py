"""Durable background jobs (Huey): SQLite storage under ``MFGDATA_HOME`` or Redis in deployment.

The ``jobs`` table is the truth about a job (status, progress, attempts); the Huey queue only
carries "run job N" messages. A job is claimed atomically (queued → running), holds a lease that
its worker renews, and is idempotent, so a lost message or a killed worker is repaired by
re-enqueueing (``sweep``), never by guessing.
"""
