"""Quality records (findings, reports) and the families of checks."""
