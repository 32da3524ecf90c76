"""Repositories: keyword-only functions over the tables, one module per resource."""
