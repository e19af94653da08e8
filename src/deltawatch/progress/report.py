"""Progress assessments as a table for people (Chinese by default), CSV or JSON.

Used by ``deltawatch progress``; the web views will render the same selections.
"""

from __future__ import annotations

import math

import pandas as pd
from django.utils.translation import gettext as _

from deltawatch.i18n import pgettext_noop, ptranslate, word
from deltawatch.methods.progress import STATUSES, rollup

from .choices import ProgressStatus

# plan_base_year: the base year asked for and base_year_source where it came from (target,
# baseline, document, default, option, first_year); base_year: the first year with data on or
# after it, from which progress is measured.
CSV_COLUMNS = ["region_code", "indicator", "target_year", "comparator", "target_value", "plan_base_year",
               "base_year_source", "base_year", "base_value", "latest_year", "latest_value", "projected_value", "ratio",
               "status", "method"]
JSON_EXTRA = ["region_name", "indicator_name", "unit", "dimension", "score", "note"]
COMPARATOR_SIGNS = {"ge": "≥", "le": "≤", "gt": ">", "lt": "<", "eq": "=", "approx": "≈", "range": "∈"}
BY_COLUMNS = {"dimension": ["dimension"], "region": ["scope", "region_code"], "indicator": ["indicator"],
              "target_year": ["target_year"]}

# Labels of the table, worded in their own context: other pages word 指标 "indicator", 规划基期
# "plan base year" (the choice's label).
HEADERS = {  # column → Chinese msgid
    "region": pgettext_noop("progress table", "区域"),
    "indicator": pgettext_noop("progress table", "指标"),
    "target_year": pgettext_noop("progress table", "目标年"),
    "target": pgettext_noop("progress table", "目标"),
    "plan_base": pgettext_noop("progress table", "评估基期"),
    "base": pgettext_noop("progress table", "基期"),
    "latest": pgettext_noop("progress table", "最新"),
    "projected": pgettext_noop("progress table", "目标年预测"),
    "ratio": pgettext_noop("progress table", "进展比率"),
    "status": pgettext_noop("progress table", "状态"),
    "dimension": pgettext_noop("progress table", "领域"),
    "assessed": pgettext_noop("progress table", "评估项"),
    "scored": pgettext_noop("progress table", "计分项"),
    "mean_score": pgettext_noop("progress table", "平均得分"),
    "band": pgettext_noop("progress table", "综合判断"),
    "region_code": pgettext_noop("progress table", "代码"),
}


def select(frame: pd.DataFrame, *, region=None, group=None, target_year=None, untargeted=False) -> pd.DataFrame:
    """Rows about one region or group, one target year, with or without untargeted series."""
    keep = frame["target_id"].notna() | bool(untargeted)
    if region is not None:
        keep &= (frame["scope"] == "region") & (frame["region_code"] == str(region))
    if group is not None:
        keep &= (frame["scope"] == "group") & (frame["region_code"] == str(group))
    if target_year is not None:
        keep &= frame["target_year"] == int(target_year)
    out = frame[keep]
    return out.sort_values(["dimension_order", "indicator", "scope", "region_code"], kind="stable")


def _number(x, digits=6) -> str:
    if x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{x:.{digits}g}"


def _target_text(row, lang) -> str:
    """The plan's own wording ("3%以上") in Chinese; the comparison in English or without wording."""
    if not isinstance(row.comparator, str) or not row.comparator:
        return "—"
    wording = row.value_text if isinstance(row.value_text, str) else ""
    if wording and (lang != "en" or pd.isna(row.target_value)):
        return wording
    return f"{COMPARATOR_SIGNS.get(row.comparator, row.comparator)} {_number(row.target_value)}"


BASE_YEAR_SOURCES = {  # choices.BaseYearSource → msgid, worded for this table
    "option": pgettext_noop("progress table", "运行时指定"),
    "target": pgettext_noop("progress table", "规划基期"),
    "baseline": pgettext_noop("progress table", "目标基年"),
    "document": pgettext_noop("progress table", "文件所注基年"),
    "default": pgettext_noop("progress table", "默认基期"),
    "first_year": pgettext_noop("progress table", "序列首年"),
}


def _plan_base_text(row, lang) -> str:
    """The base year asked for and where it came from: "2017（文件所注基年）"."""
    source = BASE_YEAR_SOURCES.get(row.base_year_source)
    label = ptranslate("progress table", source, lang) if source else ""
    year = "" if pd.isna(row.plan_base_year) else _number(row.plan_base_year)
    if year and label:
        return word("{year}（{label}）", lang, year=year, label=label)
    return year or label or "—"


def _status_label(code) -> str:
    return str(ProgressStatus(code).label) if code in STATUSES else str(code)


def _header(key, lang) -> str:
    return ptranslate("progress table", HEADERS[key], lang)


def _table(frame: pd.DataFrame) -> str:
    if frame.empty:
        return _("（无结果）") + "\n"
    with pd.option_context("display.unicode.east_asian_width", True, "display.width", 10_000,
                           "display.max_rows", None, "display.max_columns", None, "display.max_colwidth", 40):
        return frame.to_string(index=False) + "\n"


def _names(frame: pd.DataFrame, lang: str) -> tuple[pd.Series, pd.Series]:
    suffix = "en" if lang == "en" else "zh"
    region = frame[f"region_{suffix}"].fillna(frame["region_code"])
    indicator = frame["name_en" if lang == "en" else "name_zh"].fillna(frame["indicator"])
    return region, indicator


def render(frame: pd.DataFrame, *, fmt: str = "table", lang: str = "zh", by: str | None = None) -> str:
    if by:
        return _render_rollup(frame, fmt=fmt, lang=lang, by=by)
    if fmt == "csv":
        return frame[CSV_COLUMNS].to_csv(index=False)
    region, indicator = _names(frame, lang)
    if fmt == "json":
        out = frame[CSV_COLUMNS + ["dimension", "unit", "score", "note"]].assign(region_name=region.to_numpy(),
                                                                                 indicator_name=indicator.to_numpy())
        return out[CSV_COLUMNS + JSON_EXTRA].to_json(orient="records", force_ascii=False, indent=1) + "\n"
    rows = list(frame.itertuples(index=False))
    table = pd.DataFrame({
        _header("region", lang): region.to_numpy(),
        _header("indicator", lang): [word("{name}（{unit}）", lang, name=name, unit=r.unit)
                                     for name, r in zip(indicator, rows)],
        _header("target_year", lang): [_number(r.target_year) for r in rows],
        _header("target", lang): [_target_text(r, lang) for r in rows],
        _header("plan_base", lang): [_plan_base_text(r, lang) for r in rows],
        _header("base", lang): [f"{_number(r.base_value)} ({_number(r.base_year)})" for r in rows],
        _header("latest", lang): [f"{_number(r.latest_value)} ({_number(r.latest_year)})" for r in rows],
        _header("projected", lang): [_number(r.projected_value) for r in rows],
        _header("ratio", lang): [_number(r.ratio, 3) for r in rows],
        _header("status", lang): [_status_label(r.status) for r in rows],
    })
    return _table(table)


def _render_rollup(frame: pd.DataFrame, *, fmt: str, lang: str, by: str) -> str:
    keys = BY_COLUMNS[by]
    out = rollup(frame, keys)
    if by == "dimension":
        names = frame.drop_duplicates("dimension").set_index("dimension")["dimension_en" if lang == "en" else "dimension_zh"]
        out.insert(1, "dimension_name", out["dimension"].map(names))
    elif by == "region":
        names = frame.drop_duplicates("region_code").set_index("region_code")["region_en" if lang == "en" else "region_zh"]
        out.insert(2, "region_name", out["region_code"].map(names))
    if fmt == "csv":
        return out.to_csv(index=False)
    if fmt == "json":
        return out.to_json(orient="records", force_ascii=False, indent=1) + "\n"
    shown = out.drop(columns=[c for c in ("scope", "dimension") if c in out.columns])
    shown["mean_score"] = [_number(x, 3) for x in shown["mean_score"]]
    shown["band"] = [_status_label(x) for x in shown["band"]]
    rename = {k: _header(k, lang) for k in ("assessed", "scored", "mean_score", "band") if k in shown.columns}
    rename.update({s: _status_label(s) for s in STATUSES})
    rename.update({"dimension_name": _header("dimension", lang), "region_name": _header("region", lang),
                   "indicator": _header("indicator", lang), "target_year": _header("target_year", lang),
                   "region_code": _header("region_code", lang)})
    return _table(shown.rename(columns=rename))
