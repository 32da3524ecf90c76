"""Accounts: passwords, API tokens, roles, login rate limit and the audit log."""
