"""Page translations: Babel ``.po`` catalogs read at start-up (no compile step).

Message ids are English; ``i18n/ko/LC_MESSAGES/messages.po`` holds the Korean text and
``i18n/en/...`` the English one (empty strings fall back to the id). The language comes from the
``mfgdata_lang`` cookie, then the user's locale, then Korean.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from fastapi import Request

I18N_DIR = Path(__file__).resolve().parent.parent / "i18n"
LANGUAGES = ("ko", "en")
DEFAULT_LANGUAGE = "ko"
LANG_COOKIE = "mfgdata_lang"


@lru_cache(maxsize=len(LANGUAGES))
def translations(lang: str) -> Translations:
    """The gettext translations of ``lang`` loaded from its ``.po`` file."""
    path = I18N_DIR / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer)


def request_language(request: Request, user_locale: str | None = None) -> str:
    """The page language of ``request``: cookie, then the user's locale, then Korean."""
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in LANGUAGES:
        return str(chosen)
    if user_locale in LANGUAGES:
        return str(user_locale)
    return DEFAULT_LANGUAGE


def gettext(lang: str, message: str) -> str:
    return str(translations(lang).gettext(message))
