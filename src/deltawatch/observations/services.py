"""Write statistics to the database: imports with revisions, derived values, exports.

Data flow: a file → ``reader.read_observations`` (pure: parse, resolve, convert,
validate) → here: compare with the current values, write what is new or changed as
revisions in one transaction, then recompute the derived indicators that depend on what
changed. Any problem in the file → nothing is written.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from deltawatch.core.bulk import insert_rows
from deltawatch.i18n import translate, word
from deltawatch.indicators.models import Indicator
from deltawatch.methods.formula import compute_derived, parse_formula
from deltawatch.regions.models import Region
from deltawatch.regions.services import region_resolver

from .choices import Status
from .messages import format_report
from .models import ImportBatch, Observation
from .reader import IndicatorInfo, ReadResult, read_observations

KEY = ["region_code", "indicator", "year"]
METADATA = ("qualifier", "note")
# Two values closer than this (relative) are the same value: a file re-read after unit
# conversion must not create a revision out of floating-point noise.
SAME_VALUE_RTOL = 1e-12


class ImportFailed(Exception):
    """The file has problems; nothing was written. ``report(lang)`` says which and where."""

    def __init__(self, result: ReadResult):
        self.result = result
        super().__init__(self.report("en"))

    def report(self, lang: str = "zh") -> str:
        return format_report(self.result.problems, lang, total=self.result.problem_count)


class DatabaseBusy(Exception):
    """Another writer held the database longer than a writer may wait; nothing was written."""

    def __init__(self, seconds: int):
        self.seconds = seconds
        super().__init__(self.report("en"))

    def report(self, lang: str | None = "zh") -> str:
        return word("数据库正被另一个导入或修改占用，等待 {seconds} 秒后仍未释放；未写入任何数据。"
                    "请在其完成后重试（等待时间由 DELTAWATCH_WRITE_WAIT 设置）。", lang, seconds=self.seconds)


# One import at a time on PostgreSQL: a transaction-scoped advisory lock taken before the
# current values are read, so that two imports of the same new keys queue instead of both
# inserting them (the second would die on the unique constraint). SQLite gets the same order
# from its IMMEDIATE transactions (settings).
IMPORT_LOCK_KEY = 0x44570001


def _wait_for_other_writers() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{int(settings.WRITE_WAIT_SECONDS)}s'")
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])


def _is_lock_timeout(error: OperationalError) -> bool:
    text = str(error).lower()
    return "database is locked" in text or "lock timeout" in text


@dataclass
class ImportOutcome:
    file_name: str
    layout: str
    rows_read: int
    created: int = 0
    revised: int = 0
    unchanged: int = 0
    derived_created: int = 0
    derived_revised: int = 0
    dry_run: bool = False
    batch: ImportBatch | None = None
    skipped_blank: int = 0
    # the active validation rules over the file's values (reporting.services.validate): rows
    # region_code, indicator, year, value, check, severity, detail; None when a stored rule is broken
    checks: pd.DataFrame | None = None

    def summary(self, lang: str | None = "zh") -> str:
        head = translate("试导入 (未写入任何数据)", lang) if self.dry_run else translate("导入完成", lang)
        return word("{head}：{file}（{layout}），读取 {rows} 个数值：新增 {created}，修订 {revised}，未变 {unchanged}；"
                    "派生指标新增 {derived_created}，修订 {derived_revised}；跳过空白单元格 {skipped} 个。", lang,
                    head=head, file=self.file_name, layout=self.layout, rows=self.rows_read, created=self.created,
                    revised=self.revised, unchanged=self.unchanged, derived_created=self.derived_created,
                    derived_revised=self.derived_revised, skipped=self.skipped_blank)


def indicator_infos() -> dict[str, IndicatorInfo]:
    return {
        code: IndicatorInfo(code, name_zh, name_en, unit, bool(formula), lower, upper)
        for code, name_zh, name_en, unit, formula, lower, upper in Indicator.objects.values_list(
            "code", "name_zh", "name_en", "unit", "formula", "lower_bound", "upper_bound"
        )
    }


def file_sha256(path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def current_values(indicators, region_codes=None, years=None) -> pd.DataFrame:
    """Current observations as a DataFrame (region_code, indicator, year, value, revision, id,
    qualifier, note), in one query."""
    query = Observation.objects.filter(is_current=True, indicator__code__in=list(indicators))
    if region_codes is not None:
        query = query.filter(region__code__in=list(region_codes))
    if years is not None:
        query = query.filter(year__gte=min(years), year__lte=max(years))
    rows = list(query.values_list("region__code", "indicator__code", "year", "value", "revision", "id", *METADATA))
    frame = pd.DataFrame(rows, columns=[*KEY, "value", "revision", "id", *METADATA])
    return frame.astype({"region_code": str, "indicator": str, "year": "int64", "value": float,
                         "revision": "int64", "id": "int64", "qualifier": str, "note": str})


def _split_changes(incoming: pd.DataFrame, existing: pd.DataFrame, metadata_columns=()):
    """Rows of ``incoming`` that are new, that revise a current value, and the count unchanged.

    A value revises when its number differs, or when one of ``metadata_columns`` (qualifier,
    note — those the file supplied) differs: "约4.4" and "4.4" are not the same statement.
    """
    renamed = existing.rename(columns={c: f"old_{c}" for c in ("value", *METADATA)})
    merged = incoming.merge(renamed, on=KEY, how="left")
    is_new = merged["id"].isna()
    same = ~is_new & np.isclose(merged["value"], merged["old_value"], rtol=SAME_VALUE_RTOL, atol=0.0)
    for column in metadata_columns:
        same &= merged[column].fillna("").astype(str) == merged[f"old_{column}"].fillna("").astype(str)
    revised = merged[~is_new & ~same]
    return merged[is_new], revised, int(same.sum())


def _write(rows: pd.DataFrame, revised: pd.DataFrame, *, batch, user, status, now) -> None:
    """Insert new rows (revision 1) and revisions (old revision + 1), retiring the old ones."""
    old_ids = revised["id"].astype("int64").tolist()
    for start in range(0, len(old_ids), 900):  # SQLite's variable limit
        Observation.objects.filter(id__in=old_ids[start:start + 900]).update(is_current=False)
    frame = pd.concat([rows.assign(revision=1), revised.assign(revision=revised["revision"].astype("int64") + 1)])
    if frame.empty:
        return
    region_ids = dict(Region.objects.filter(code__in=frame["region_code"].unique().tolist()).values_list("code", "id"))
    indicator_ids = dict(Indicator.objects.filter(code__in=frame["indicator"].unique().tolist()).values_list("code", "id"))
    table = pd.DataFrame({
        "region_id": frame["region_code"].map(region_ids).astype("int64"),
        "indicator_id": frame["indicator"].map(indicator_ids).astype("int64"),
        "year": frame["year"].astype("int64"),
        "value": frame["value"].astype(float),
        "revision": frame["revision"].astype("int64"),
        "is_current": True,
        # Whole texts: the columns are unbounded and the reader refused any cell beyond its bound.
        "value_supplied": _text_column(frame, "value_supplied"),
        "unit_supplied": _text_column(frame, "unit_supplied"),
        "source": _text_column(frame, "source"),
        "qualifier": _text_column(frame, "qualifier"),
        "note": _text_column(frame, "note"),
        "status": status,
        "batch_id": batch.id if batch else None,
        "recorded_by_id": user.id if user else None,
        "recorded_at": connection.ops.adapt_datetimefield_value(now),
    })
    # In index order, so that the database appends to its B-trees instead of jumping around.
    table = table.sort_values(["indicator_id", "region_id", "year"], kind="stable")
    insert_rows(Observation._meta.db_table, table,
                not_null_text=("value_supplied", "unit_supplied", "source", "qualifier", "note"))


def _text_column(frame: pd.DataFrame, column: str) -> pd.Series:
    """A text column of ``frame`` with blanks as "", or "" everywhere when it has none."""
    if column not in frame:
        return pd.Series("", index=frame.index)
    return frame[column].fillna("").astype(str)


def _derived_for(changed: pd.DataFrame, formulas: dict[str, str]) -> pd.DataFrame:
    """Derived values for the region-years touched by ``changed``, from current data."""
    if not formulas or changed.empty:
        return compute_derived(changed.iloc[0:0], {})
    inputs = set()
    for formula in formulas.values():
        inputs |= set(parse_formula(formula))
    touched = changed[["region_code", "year"]].drop_duplicates()
    data = current_values(inputs | set(formulas), touched["region_code"].unique(), touched["year"].unique())
    data = data.merge(touched, on=["region_code", "year"])
    data = data[~data["indicator"].isin(formulas)]
    derived = compute_derived(data[[*KEY, "value"]], formulas)
    return derived.merge(touched, on=["region_code", "year"])


def import_observations(path, *, user=None, dry_run: bool = False, status: str = Status.SUBMITTED, **read_options):
    """Import one file; all or nothing.

    Parameters
    ----------
    path : str or Path
        A CSV or XLSX file in the long or a wide yearbook layout (see ``reader``).
    user : User or None
        To whom the values are attributed.
    dry_run : bool
        Validate and count what would change; write nothing.
    status : str
        Status of the written values (draft / submitted / approved).
    read_options
        Passed to ``read_observations`` (layout, indicator, year, unit, source, sheet).

    Returns ImportOutcome; raises ImportFailed (nothing written) when the file has problems,
    DatabaseBusy (nothing written) when another writer held the database too long.
    """
    path = Path(path)
    result = read_observations(path, resolver=region_resolver(), indicators=indicator_infos(), **read_options)
    if not result.ok:
        raise ImportFailed(result)
    incoming = result.frame
    outcome = ImportOutcome(path.name, result.layout, len(incoming), dry_run=dry_run, skipped_blank=result.skipped_blank)
    try:
        outcome = _write_import(path, result, outcome, user=user, dry_run=dry_run, status=status)
    except OperationalError as error:
        if _is_lock_timeout(error):
            raise DatabaseBusy(settings.WRITE_WAIT_SECONDS) from error
        raise
    outcome.checks = _rule_checks(incoming)
    return outcome


def _rule_checks(incoming: pd.DataFrame):
    """The validation rules over an imported file's values, reported (they do not stop an
    import: a reviewer sees them on the form). A broken stored rule is logged, not raised: it
    must not block every import; ``deltawatch validate --rules`` names it."""
    import logging

    from deltawatch.methods.errors import InputError
    from deltawatch.reporting.services import validate

    try:
        return validate(incoming[[*KEY, "value"]], rules=True)
    except InputError as error:
        logging.getLogger(__name__).warning("validation rules not run on import: %s", error.message("en"))
        return None


def _write_import(path: Path, result: ReadResult, outcome: ImportOutcome, *, user, dry_run, status) -> ImportOutcome:
    """Compare with the current values and write what changed, in one transaction."""
    incoming = result.frame
    with transaction.atomic():
        if not dry_run:
            _wait_for_other_writers()
        existing = current_values(incoming["indicator"].unique(), incoming["region_code"].unique(),
                                  incoming["year"].unique()) if len(incoming) else current_values([])
        new, revised, outcome.unchanged = _split_changes(incoming, existing, result.metadata_columns)
        _refuse_locked(path, result, pd.concat([new, revised]))
        outcome.created, outcome.revised = len(new), len(revised)
        if dry_run or (new.empty and revised.empty):
            return outcome
        now = timezone.now()
        batch = ImportBatch.objects.create(
            file_name=path.name, sha256=file_sha256(path), layout=result.layout, user=user,
            rows_read=len(incoming), rows_created=len(new), rows_revised=len(revised), rows_unchanged=outcome.unchanged,
        )
        _write(new, revised, batch=batch, user=user, status=status, now=now)
        outcome.batch = batch
        outcome.derived_created, outcome.derived_revised = refresh_derived(
            pd.concat([new[KEY], revised[KEY]]), batch=batch, user=user, status=status, now=now
        )
    return outcome


def _refuse_locked(path: Path, result: ReadResult, changed: pd.DataFrame) -> None:
    """ImportFailed naming each row that would change a value of a form that is 已上报 or
    审核通过 (``reporting``): a locked value changes only after the office unlocks the form."""
    import dataclasses

    from deltawatch.reporting.services import locked_cells

    from .reader.results import MAX_PROBLEMS, Problem

    locked = locked_cells(changed)
    if locked.empty:
        return
    problems = [Problem(path.name, int(r.row) if "row" in locked else None, getattr(r, "column", None) or None,
                        f"{r.region_code} {r.indicator} {r.year}", "locked_cell", {})
                for r in locked.head(MAX_PROBLEMS).itertuples()]
    raise ImportFailed(dataclasses.replace(result, problems=problems, problem_count=len(locked)))


def refresh_derived(changed: pd.DataFrame, *, batch=None, user=None, status=Status.SUBMITTED, now=None):
    """Recompute derived indicators where ``changed`` (region_code, indicator, year) touched inputs."""
    formulas = dict(Indicator.objects.exclude(formula="").values_list("code", "formula"))
    derived = _derived_for(changed, formulas)
    if derived.empty:
        return 0, 0
    existing = current_values(derived["indicator"].unique(), derived["region_code"].unique(), derived["year"].unique())
    derived = derived.assign(
        value_supplied="", unit_supplied="",
        source=derived["indicator"].map(lambda code: f"派生 (derived): {formulas[code]}"),
    )
    new, revised, _ = _split_changes(derived, existing)
    _write(new, revised, batch=batch, user=user, status=status, now=now or timezone.now())
    return len(new), len(revised)
