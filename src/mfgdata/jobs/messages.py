"""What a job's owner may read about its failure: the problem, never the server's paths.

A job's message is shown through the API and the pages to the organisation that ran it. Errors
from the pipeline name the file they are about by its absolute path on the server (under
``{home}/uploads/<org>/<id>/``); here the file is named as the user named it (its base name, or
its path inside an uploaded zip) and any other absolute path left in the text becomes its base
name. An unexpected exception is reported by its class only; the full text goes to the log.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from mfgdata.errors import MfgDataError
from mfgdata.settings import Settings
from mfgdata.uploads.storage import FILES_DIR

#: an absolute POSIX path (at least two segments), stopping at quotes, spaces and brackets
_ABSOLUTE = re.compile(r"(?<![\w.])/(?:[^\s'\"()<>\[\],;:]+/)+[^\s'\"()<>\[\],;:]*")


def public_file_name(path: str, settings: Settings) -> str:
    """``path`` as its owner knows it: the name inside a zip, else the base name."""
    parts = PurePosixPath(path).parts
    if FILES_DIR in parts and str(settings.home) in path:
        inside = parts[len(parts) - 1 - parts[::-1].index(FILES_DIR) + 1 :]
        if inside:
            return "/".join(inside)
    return PurePosixPath(path).name or path


def scrub_paths(text: str, settings: Settings) -> str:
    """Replace every absolute path in ``text`` by its public name."""
    home = str(settings.home)
    text = text.replace(home + "/", "/").replace(home, "~")
    return _ABSOLUTE.sub(lambda m: public_file_name(m.group(0), settings), text)


def public_message(error: BaseException, settings: Settings) -> str:
    """The one line a job's owner sees for ``error`` (Korean / English, no server path)."""
    if isinstance(error, MfgDataError):
        where = error.where
        parts = []
        if where.file:
            parts.append(public_file_name(where.file, settings))
        if where.line is not None:
            parts.append(f"line {where.line}")
        if where.column:
            parts.append(f"column '{where.column}'")
        text = f"{error.ko} / {error.en}"
        if parts:
            text += f" ({', '.join(parts)})"
        return scrub_paths(text, settings)
    name = type(error).__name__
    return f"내부 오류 ({name}, 서버 로그 참조) / internal error ({name}, see the server log)"
