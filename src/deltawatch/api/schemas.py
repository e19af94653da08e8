"""The shapes the API reads and writes (pydantic models through django-ninja).

Inputs forbid unknown fields (``extra="forbid"``): a misspelt field is a 422, never silently
ignored. Outputs list every field the client can rely on; ``None`` is "no value"."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field

MAX_PAGE = 1000  # the largest page a client may ask for; more is refused (422), not capped
DEFAULT_PAGE = 100


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class Error(Schema):
    detail: str
    errors: list[dict[str, Any]] | None = None
    total: int | None = None


class Page(Schema):
    count: int
    limit: int
    offset: int
    next_offset: int | None
    data_version: str


# ---------------------------------------------------------------- catalogue

class RegionOut(Schema):
    code: str
    name_zh: str
    name_en: str
    level: str
    parent: str | None
    valid_from: dt.date | None
    valid_to: dt.date | None


class RegionPage(Page):
    results: list[RegionOut]


class GroupOut(Schema):
    code: str
    name_zh: str
    name_en: str
    kind: str
    description: str
    source: str
    members: list[str]


class GroupPage(Page):
    results: list[GroupOut]


class IndicatorOut(Schema):
    code: str
    name_zh: str
    name_en: str
    unit: str
    direction: int
    dimension: str
    lower_bound: float | None
    upper_bound: float | None
    is_rate: bool
    formula: str
    definition_zh: str
    definition_en: str
    source: str


class IndicatorPage(Page):
    results: list[IndicatorOut]


class TargetOut(Schema):
    id: int
    indicator: str
    region: str | None
    group: str | None
    target_year: int
    comparator: str
    value: float | None
    low: float | None
    high: float | None
    tolerance: float | None
    value_text: str
    is_numeric: bool
    binding: str
    change_type: str
    baseline_year: int | None
    document: str
    location: str
    sentence: str


class TargetPage(Page):
    results: list[TargetOut]


# ---------------------------------------------------------------- observations

class ObservationOut(Schema):
    """One value, with the columns of ``deltawatch export``."""

    region_code: str
    region_name: str
    indicator: str
    year: int
    value: float
    unit: str
    source: str
    qualifier: str
    note: str


class WideRow(Schema):
    """One region and indicator with its values by year (``?form=wide``)."""

    region_code: str
    region_name: str
    indicator: str
    unit: str
    values: dict[str, float]


class ObservationPage(Page):
    form: Literal["long", "wide"]
    results: list[ObservationOut] | list[WideRow]


class ObservationIn(Strict):
    region: str = Field(description="区划代码或名称 region code or name")
    indicator: str
    year: int
    value: float | str = Field(description="数值；文本如 “1,234” 或 “3.2左右” 按导入规则读取")
    unit: str | None = None
    source: str | None = None
    qualifier: str | None = None
    note: str | None = None


class ObservationWrite(Strict):
    rows: list[ObservationIn] = Field(max_length=1_000_000)
    dry_run: bool = False


class WriteOutcome(Schema):
    dry_run: bool
    rows_read: int
    created: int
    revised: int
    unchanged: int
    derived_created: int
    derived_revised: int
    batch: int | None
    data_version: str
    summary: str


# ---------------------------------------------------------------- progress

class AssessmentOut(Schema):
    id: int
    method: str
    key: str
    target: int | None
    indicator: str
    region: str | None
    group: str | None
    target_year: int | None
    comparator: str
    target_value: float | None
    base_year: int | None
    base_value: float | None
    latest_year: int | None
    latest_value: float | None
    projected_value: float | None
    ratio: float | None
    cagr_observed: float | None
    cagr_required: float | None
    status: str
    status_label: str
    score: float | None
    note: str
    run: int


class AssessmentPage(Page):
    results: list[AssessmentOut]


class StatusChangeOut(Schema):
    id: int
    method: str
    key: str
    indicator: str
    region: str | None
    group: str | None
    old_status: str
    new_status: str
    old_ratio: float | None
    new_ratio: float | None
    changed_at: dt.datetime
    run: int


class StatusChangePage(Page):
    results: list[StatusChangeOut]


# ---------------------------------------------------------------- indices

class SpecOut(Schema):
    name: str
    title: str
    digest: str
    years_with_data: list[int]


class RunOut(Schema):
    id: int
    kind: str
    name: str
    spec_digest: str
    data_hash: str
    data_source: str
    data_vintage: int | None
    years: list[int]
    target: str
    runs: int | None
    seed: int | None
    started_at: dt.datetime
    is_published: bool


class RunDetail(RunOut):
    spec: dict[str, Any]
    summary: dict[str, Any]


class RunPage(Page):
    results: list[RunOut]


class ScoreOut(Schema):
    unit_code: str
    region: str | None
    year: int | None
    node: str
    level: int
    score: float | None
    rank: int | None


class ScorePage(Page):
    results: list[ScoreOut]


class IntervalOut(Schema):
    unit_code: str
    region: str | None
    nominal_rank: float | None
    mean_rank: float | None
    median_rank: float | None
    q05_rank: float | None
    q95_rank: float | None


class IntervalPage(Page):
    results: list[IntervalOut]


class StartRun(Strict):
    kind: Literal["build", "uncertainty", "sensitivity"]
    spec: str = Field(description="内置指数定义的名称，或 run:<运行编号>")
    years: str = Field(description="2017、2010-2017 或 2015,2017", max_length=40)
    runs: int | None = Field(None, ge=1)
    seed: int = Field(0, ge=0)


class JobOut(Schema):
    id: int
    kind: str
    status: str
    progress: int
    message: str
    error: str
    result_url: str
    parameters: dict[str, Any]
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None


# ---------------------------------------------------------------- plans

class PlanOut(Schema):
    id: int
    code: str
    name_zh: str
    name_en: str
    kind: str
    period_start: int
    period_end: int
    owner: str
    parent: int | None
    is_example: bool


class PlanPage(Page):
    results: list[PlanOut]


class AssignmentOut(Schema):
    id: int
    task: int
    unit: str
    role: str
    state: str
    state_label: str
    version: int
    due_date: dt.date | None
    percent: int
    returns: int
    accepted_on: dt.date | None
    closed_on: dt.date | None
    allowed_actions: list[str]


class AssignmentPage(Page):
    results: list[AssignmentOut]


class TaskOut(Schema):
    id: int
    plan: int
    code: str
    title: str
    category: str
    lead_unit: str
    start_date: dt.date | None
    due_date: dt.date | None
    deadline_text: str
    status: str
    is_example: bool


class TaskDetail(TaskOut):
    description: str
    assignments: list[AssignmentOut]


class TaskPage(Page):
    results: list[TaskOut]


class TransitionIn(Strict):
    action: str = Field(description="accept, report, request_close, approve, return, request_extension, "
                                    "approve_extension, refuse_extension, adjust, terminate, urge")
    version: int = Field(ge=1, le=2_147_483_647, description="the assignment's version the caller saw")
    comment: str = Field("", max_length=5000)
    percent: int | None = Field(None, ge=0, le=100)
    text: str = Field("", max_length=5000)
    new_due: dt.date | None = None


class ProgressReportIn(Strict):
    version: int = Field(ge=1, le=2_147_483_647)
    percent: int = Field(ge=0, le=100)
    text: str = Field(min_length=1, max_length=5000)


# ---------------------------------------------------------------- reports

class ReportOut(Schema):
    id: int
    kind: str
    period: str
    language: str
    title: str
    status: str
    issue_year: int | None
    issue_number: int | None
    office: str
    data_version: str
    published_at: dt.datetime | None
    is_public: bool
    is_sample: bool
    files: dict[str, str]


class ReportPage(Page):
    results: list[ReportOut]


# ---------------------------------------------------------------- who am I

class Me(Schema):
    authenticated: bool
    username: str | None
    roles: list[str]
    token: str | None
    read_only: bool
    data_version: str
