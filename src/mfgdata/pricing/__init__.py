"""Pricing of data products: cost, market and value approaches (TTAK.KO-10.1409) and the rule."""
