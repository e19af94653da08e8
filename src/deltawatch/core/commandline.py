"""What every ``deltawatch`` sub-command shares: worded user errors, the shared messages, the
year and list syntax, the acting user, and Django's start. Light on purpose: the parser imports
the ``commands`` module of every app at each start, and those import this."""

from __future__ import annotations

import getpass
import os
import re

from deltawatch.i18n import gettext_noop, word

# The messages every command shares: key → Chinese msgid; the English is in the catalogue
# (locale/en/LC_MESSAGES/django.po), like every message's (see deltawatch.i18n).
MESSAGES = {
    "no_file": gettext_noop("文件不存在：{path}"),
    "written": gettext_noop("已写入 {path}（{rows} 行）"),
    "bad_years": gettext_noop("年份应写作 2019、2010-2020 或 2015,2020：{text}"),
    "unknown_group": gettext_noop("未知的区域组：{code}"),
    "unknown_indicator": gettext_noop("未知的指标：{code}"),
    "unknown_region": gettext_noop("未知的区域：{text}"),
}


class UserError(Exception):
    """A mistake of the user's, already worded in their language: printed, exit status 2."""


def say(key: str, lang: str, catalogue: dict | None = None, **params) -> str:
    """A message in the user's language: the msgid of ``key`` in ``catalogue`` (a command
    module's MESSAGES) when it has the key, else in the messages every command shares
    (no_file, written, bad_years …), worded from the one catalogue."""
    source = catalogue if catalogue and key in catalogue else MESSAGES
    return word(source[key], lang, **params)


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deltawatch.settings")
    import django

    django.setup()


def acting_user(name: str | None):
    """The account to which a command's changes are attributed (created on first use)."""
    from django.contrib.auth import get_user_model

    username = name or os.environ.get("DELTAWATCH_USER") or getpass.getuser() or "deltawatch"
    user, created = get_user_model().objects.get_or_create(username=username)
    if created:
        user.set_unusable_password()
        user.save()
    return user


def parse_years(text: str | None) -> list[int] | None:
    """'2019' → [2019]; '2010-2020' → 2010…2020; '2015,2020' → [2015, 2020]."""
    if not text:
        return None
    years: list[int] = []
    for part in text.replace("，", ",").split(","):
        match = re.fullmatch(r"\s*(\d{4})\s*(?:[-–~]\s*(\d{4})\s*)?", part)
        if not match:
            raise ValueError(part)
        first, last = int(match[1]), int(match[2] or match[1])
        years.extend(range(first, last + 1))
    return years


def years_or_error(text: str | None, lang: str) -> list[int] | None:
    """``parse_years``, with a wrong text told to the user (UserError)."""
    try:
        return parse_years(text)
    except ValueError:
        raise UserError(say("bad_years", lang, text=text)) from None


def split_list(values: list[str] | None) -> list[str]:
    """Repeated and comma-separated options (ASCII or full-width commas) as one list."""
    return [v.strip() for value in values or [] for v in re.split(r"[,，]", value) if v.strip()]


def resolve_group(text: str | None):
    """A region group by code or name; None when ``text`` is empty or matches none."""
    from django.db.models import Q

    from deltawatch.regions.models import RegionGroup

    if not text:
        return None
    return RegionGroup.objects.filter(Q(code=text) | Q(name_zh=text) | Q(name_en__iexact=text)).first()
