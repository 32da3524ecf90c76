"""Product packaging: data files, datapackage.json, lineage.json."""
