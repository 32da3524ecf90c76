"""The hostile-input corpus (issue 13): a table of cases, each with its expected outcome."""
