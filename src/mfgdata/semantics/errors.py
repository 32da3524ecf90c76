"""Errors of the semantics package (all are ``MfgDataError``, all name the column they are about).

::

    MfgDataError
    └── SemanticsError           422
        ├── DictionaryError      a dictionary or extension file that is broken
        ├── MappingFileError     semantics.yaml that is not valid YAML / not the expected shape
        │   └── DuplicateColumnError   one column mapped twice
        ├── UnknownPropertyError an id that is not in the dictionary
        └── UnitError            a unit that is unknown or cannot convert to the property's unit
"""

from __future__ import annotations

from mfgdata.errors import MfgDataError


class SemanticsError(MfgDataError):
    code = "semantics_error"
    status_code = 422


class DictionaryError(SemanticsError):
    code = "dictionary_error"


class MappingFileError(SemanticsError):
    code = "mapping_file_error"


class DuplicateColumnError(MappingFileError):
    code = "mapping_duplicate_column"


class UnknownPropertyError(SemanticsError):
    code = "unknown_property"


class UnitError(SemanticsError):
    code = "unit_error"
