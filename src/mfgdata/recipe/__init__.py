"""Preprocessing recipes: models and schema (``model``), loading (``load``), the safe expression
language (``expr``, ``translate``), units (``units``), applying (``ops``) and proposing
(``propose``). See docs/recipe.md."""
