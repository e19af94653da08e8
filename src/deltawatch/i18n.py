"""Messages in the user's language from the one catalogue: the Chinese text is the msgid in the
code, its English is in ``locale/en/LC_MESSAGES/django.po`` — the catalogue the pages' Django
gettext reads. Commands, the importer's problems and the index engine's errors are worded here,
so a message has one Chinese text and one English text, wherever it is shown.

Why not Django's gettext: it needs configured settings, and the pure library
(``deltawatch.methods``, ``observations.reader``, ``observations.messages``) must import and run
without Django. Python's stdlib :mod:`gettext` reads the same compiled ``django.mo``, so the
library and the pages agree on every word. When Django is already running (a page, a command
after ``django.setup()``), the language defaults to Django's active one
(``django.utils.translation.get_language``); commands pass their ``--lang``.

Placeholders are named and filled with :meth:`str.format` (``{path}``, ``{seconds:.3f}``); the
entries carry ``#, python-brace-format`` so ``msgfmt --check`` refuses an English text whose
placeholders differ from the Chinese.

The names follow gettext's: ``word`` / ``translate`` (filled / not), ``pword`` / ``ptranslate``
with a context first (a short label that other pages word otherwise), ``nword`` / ``ntranslate``
for counts, ``gettext_noop`` / ``pgettext_noop`` to mark the msgids of a table. The project's
``makemessages`` (site/management/commands) passes :data:`XGETTEXT_OPTIONS` to xgettext, so it
finds these calls and keeps their entries; a msgid must be a string literal in the call or mark.

>>> word("文件不存在：{path}", "en", path="a.csv")
'No such file: a.csv'
>>> word("文件不存在：{path}", "zh", path="a.csv")
'文件不存在：a.csv'
"""

from __future__ import annotations

import gettext
import string
import sys
from functools import cache
from pathlib import Path

__all__ = ["LOCALE_DIR", "XGETTEXT_OPTIONS", "gettext_noop", "language", "ntranslate", "nword", "pgettext_noop",
           "placeholders", "ptranslate", "pword", "translate", "word"]

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "django"
SOURCE = "zh"  # the msgids are 简体中文: Chinese needs no catalogue

# What ``makemessages`` must tell xgettext so that it finds the msgids of this module's calls
# (a context first where there is one) and marks them brace-formatted: see
# site/management/commands/makemessages.py.
_KEYWORDS = {"gettext_noop": "1", "pgettext_noop": "1c,2", "translate": "1", "ptranslate": "1c,2",
             "ntranslate": "1,2", "word": "1", "pword": "1c,2", "nword": "1,2"}
XGETTEXT_OPTIONS = [f"--keyword={name}:{spec}" for name, spec in _KEYWORDS.items()] + \
    [f"--flag={name}:{n}:python-brace-format" for name, spec in _KEYWORDS.items()
     for n in spec.split(",") if not n.endswith("c")]


def gettext_noop(msgid: str) -> str:
    """Mark a Chinese text as a msgid of the catalogue where it is stored in a table, to be
    worded later with :func:`word` or :func:`translate`."""
    return msgid


def pgettext_noop(context: str, msgid: str) -> str:
    """:func:`gettext_noop` for a msgid worded with a context (:func:`pword`): a short label
    that another page words otherwise ("地区" is "Region" in a header, "region" in a message)."""
    return msgid


def language(lang: str | None = None) -> str:
    """'en' or 'zh' for a language code ('en', 'en-us', 'zh', 'zh-hans' …). None means the
    active language when Django runs (a page under ``/en/`` gives 'en'), else Chinese."""
    if lang is None:
        lang = _django_language()
    return "en" if (lang or SOURCE).lower().startswith("en") else SOURCE


def _django_language() -> str | None:
    """Django's active language, asked only when Django is imported and configured — the
    library never imports Django itself."""
    conf = sys.modules.get("django.conf")
    if conf is None or not conf.settings.configured:
        return None
    from django.utils.translation import get_language

    return get_language()


@cache
def _catalogue(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``lang``; Chinese (the source) and a missing .mo give the
    msgids themselves."""
    if lang == SOURCE:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)


def translate(msgid: str, lang: str | None = None) -> str:
    """``msgid`` in ``lang``, unfilled; a msgid without a translation stays Chinese."""
    return _catalogue(language(lang)).gettext(msgid)


def ptranslate(context: str, msgid: str, lang: str | None = None) -> str:
    """``msgid`` in ``lang`` as the catalogue words it in ``context``, unfilled."""
    return _catalogue(language(lang)).pgettext(context, msgid)


def word(msgid: str, lang: str | None = None, /, **params) -> str:
    """``msgid`` in ``lang`` with its ``{placeholders}`` filled from ``params``."""
    return translate(msgid, lang).format(**params)


def pword(context: str, msgid: str, lang: str | None = None, /, **params) -> str:
    """``msgid`` in ``lang`` as worded in ``context``, filled from ``params``."""
    return ptranslate(context, msgid, lang).format(**params)


def ntranslate(singular: str, plural: str, n: int, lang: str | None = None) -> str:
    """The form of a message for the count ``n`` (English: 1 error, 2 errors), unfilled."""
    return _catalogue(language(lang)).ngettext(singular, plural, n)


def nword(singular: str, plural: str, n: int, lang: str | None = None, /, **params) -> str:
    """The form of a message for the count ``n``, filled; ``n`` is a parameter too."""
    return ntranslate(singular, plural, n, lang).format(**{"n": n, **params})


def placeholders(text: str) -> set[str]:
    """The names of the ``{placeholders}`` of a message ('{seconds:.3f}' → 'seconds')."""
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(text)
            if name is not None}
