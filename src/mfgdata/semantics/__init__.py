"""Semantic standardization: dictionary, column matcher, units, mapping file, AAS export."""
