"""The document model every report is built as and every renderer reads (HTML, PDF, Word).

A report's content is plain JSON — so a published report can be stored as it was, compared
with a regeneration, and rendered again years later without the code that computed it:

    {"title": str, "subtitle": str, "sections": [section, …], "sources": {…}}

    section = {"code": str,            # stable within a template, e.g. "overview", "area:innovation"
               "title": str,
               "blocks": [block, …],
               "sections": [section, …],   # sub-sections (the annual report's chapters)
               "facts": {name: number|str|None, …},  # the figures the text states, for tests and diffs
               "status": "ok" | "empty" | "failed",  # empty: no data for the period (said in a block)
               }

    block = {"type": "paragraph", "text": str}
          | {"type": "list", "items": [str, …]}
          | {"type": "table", "caption": str, "columns": [{"key", "label", "format"}],
             "rows": [{key: value}], "note": str}
               # format: "int" | "year" (no thousands separator) | "number" (2 decimals) | "percent" (a share 0–1 shown ×100 with %) |
               #         "text" | "light" (green/yellow/red/grey) | "rank" (with its interval: value
               #         [low, high])
          | {"type": "chart", "title": str, "option": {ECharts option}, "height": int,
             "map": str | None, "note": str}
               # map: the registered map name when the option draws one (the renderer says 示意图)

Strings are in the language the report was generated in (the generators run under
``translation.override``). The office's own text is not part of the content: it is kept on the
report by section code (above / below) and escaped by every renderer.
"""

from __future__ import annotations

from typing import Any

FORMATS = ("int", "year", "number", "percent", "text", "light", "rank")


def document(title: str, sections: list[dict], subtitle: str = "", sources: dict | None = None) -> dict:
    """``sources``: what the report read — {"data_version": str, "as_of": "YYYY-MM-DD",
    "index_runs": [id…], "assessment_runs": [id…], "progress_runs": [id…], …}, kept with it."""
    return {"title": title, "subtitle": subtitle, "sections": sections, "sources": sources or {}}


def section(code: str, title: str, blocks: list[dict] | None = None, *, facts: dict | None = None,
            sections: list[dict] | None = None, status: str = "ok") -> dict:
    return {"code": code, "title": title, "blocks": blocks or [], "sections": sections or [],
            "facts": facts or {}, "status": status}


def paragraph(text: str) -> dict:
    return {"type": "paragraph", "text": text}


def bullet_list(items: list[str]) -> dict:
    return {"type": "list", "items": list(items)}


def column(key: str, label: str, format: str = "text") -> dict:
    if format not in FORMATS:
        raise ValueError(f"unknown column format {format!r}")
    return {"key": key, "label": label, "format": format}


def table(caption: str, columns: list[dict], rows: list[dict[str, Any]], note: str = "") -> dict:
    return {"type": "table", "caption": caption, "columns": columns, "rows": rows, "note": note}


def chart(title: str, option: dict, *, height: int = 360, map: str | None = None, note: str = "") -> dict:
    return {"type": "chart", "title": title, "option": option, "height": height, "map": map, "note": note}


def walk(sections: list[dict]):
    """Every section, depth first (chapters before their sub-sections)."""
    for item in sections:
        yield item
        yield from walk(item.get("sections") or [])


def blocks_of(content: dict, kind: str):
    """Every block of one type in the document, in reading order."""
    for item in walk(content.get("sections") or []):
        for block in item["blocks"]:
            if block["type"] == kind:
                yield block


def guarded(code: str, title: str, build, *args, **kwargs) -> dict:
    """A section built by ``build(*args, **kwargs)``; when it fails, a section that says so
    (status "failed", the reason in a paragraph) instead of a report that fails as a whole."""
    from django.utils.translation import gettext as _

    try:
        return build(*args, **kwargs)
    except Exception as error:  # noqa: BLE001 — one failing section must not lose the others
        return section(code, title, [paragraph(_("本节未能生成：%(reason)s") % {"reason": error})], status="failed")


def empty(code: str, title: str, message: str, facts: dict | None = None) -> dict:
    """A section with no data for the period: it says so, it does not fail."""
    return section(code, title, [paragraph(message)], facts=facts, status="empty")


def plain(value):
    """The content as strict JSON values: missing values (None, NaN, NaT, pd.NA) and
    infinities become None, NumPy numbers Python ones — a database's JSON column refuses NaN."""
    import math

    import pandas as pd

    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # a NumPy scalar
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
