"""The 评价指数 pages: the shipped specs and the stored runs, a run's ranking with its rank
intervals, the tree with the scores at every level, the weights, the Sobol indices and a map;
the form that starts a build or an analysis as a background job, and that job's progress.

Everything shown is read from the stored runs (``indices.models``) through
``accounts.scoping.restrict``: the public sees published runs only. A run is shown together
with its *companions* — the runs of the same spec on the same data (equal spec and data
SHA-256): the build gives the scores, an uncertainty (or sensitivity) run the rank intervals,
a sensitivity run the Sobol indices.
"""

from __future__ import annotations

import csv
from functools import lru_cache

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from deltawatch.accounts.scoping import restrict
from deltawatch.jobs.handlers import INDEX_BUILD, INDEX_SENSITIVITY, INDEX_UNCERTAINTY
from deltawatch.jobs.services import enqueue, jobs_for
from deltawatch.observations.exports import neutralise
from deltawatch.site.cache import cached, cached_page

from .admin import year_span
from .choices import IndexRunKind
from .commands import load, packaged_specs
from .forms import JOB_KINDS, RUNS, SPEC_OF_RUN, StartRunForm
from .models import IndexRankInterval, IndexRun, IndexScore, IndexSensitivity

RUN_SORTS = {"started_at": ("started_at", "id"), "name": ("name", "id"), "kind": ("kind", "id")}
RANK_SORTS = ("rank", "-rank", "score", "-score", "name", "-name")


def english() -> bool:
    return (get_language() or "").startswith("en")


def listing(items) -> str:
    """Items as a list in the page's language: 甲、乙、丙 / a, b, c."""
    return (", " if english() else "、").join(str(item) for item in items)


def label_width(labels, font_size: int = 11) -> int:
    """Pixels the longest category label needs (a CJK character ≈ one em, a Latin one ≈ 0.6 em):
    ECharts' containLabel measures before the web font is in, and cuts long English names."""
    def width(text):
        return sum(font_size if ord(ch) > 0x2E80 else 0.6 * font_size for ch in str(text))
    return int(max((width(t) for t in labels), default=0)) + 14


def can_run(user) -> bool:
    """Office, research and system administrators start runs and publish them: the roles
    that may add index runs (``accounts.roles``)."""
    return user.is_authenticated and user.has_perm("indices.add_indexrun")


# ------------------------------------------------------------------------------ specs


@lru_cache(maxsize=16)
def shipped_spec(name: str):
    """A spec shipped with the package (read once per process: the files do not change)."""
    return load(name)


def spec_title(spec) -> str:
    return (spec.name_en or spec.name) if english() else (spec.name or spec.name_en)


def description_text(spec) -> str:
    """The spec's description in the page's language: the shipped specs write it
    "中文 / English"."""
    chinese, _sep, other = (spec.description or "").partition(" / ")
    return (other or chinese).strip() if english() else chinese.strip()


def node_name(spec, code: str) -> str:
    node = spec.node(code)
    return (node.name_en or node.name or code) if english() else (node.name or node.name_en or code)


def shipped_by_digest() -> dict[str, str]:
    """Spec SHA-256 → name of the shipped spec that has it."""
    return {shipped_spec(name).digest(): name for name in packaged_specs()}


def years_with_data(spec, user=None) -> list[int]:
    """The years in which every column the spec reads has at least one current value for the
    members of its region group — among the values ``user`` may see (None: the approved values,
    what a run reads) — cached by data version."""
    from deltawatch.indices.services import (  # the columns frame_from_database reads
        DEFAULT_GROUP,
        _columns,
    )
    from deltawatch.observations.models import Observation, approved_values
    from deltawatch.site.services import audience

    columns = _columns(spec)
    group = spec.data.get("group") or DEFAULT_GROUP
    if user is None:
        values = approved_values().filter(indicator__code__in=columns, region__groups__code=group)
    else:
        values = restrict(Observation.objects.filter(is_current=True, indicator__code__in=columns,
                                                     region__groups__code=group), user, "view")

    def compute():
        counts = values.values("year").annotate(k=Count("indicator", distinct=True))
        return sorted(row["year"] for row in counts if row["k"] == len(columns))

    return cached("indices.years", compute, spec.digest(), "all" if user is None else audience(user))


def spec_choices(run: IndexRun | None = None) -> list[tuple[str, str]]:
    """The specs the start form offers: the shipped ones, and the spec of ``run`` when it is
    not one of them (a spec that came from a file)."""
    choices = [(name, f"{spec_title(shipped_spec(name))} ({name})") for name in packaged_specs()]
    if run is not None and run.spec_digest not in shipped_by_digest():
        choices.insert(0, (f"{SPEC_OF_RUN}{run.pk}", _("本运行的指数定义（运行 #%(id)s）") % {"id": run.pk}))
    return choices


def start_form(user, run: IndexRun | None = None, data=None, initial=None) -> StartRunForm | None:
    """The start form for a user who may run (None otherwise); on a run page, filled in with
    that run's spec and year."""
    if not can_run(user):
        return None
    choices = spec_choices(run)
    if run is not None:
        from deltawatch.methods.index import load_spec

        spec = load_spec(run.spec)
        spec_value = shipped_by_digest().get(run.spec_digest, f"{SPEC_OF_RUN}{run.pk}")
        years = run.years[-1:] if run.years else []
        initial = initial or {"spec": spec_value, "years": ",".join(map(str, years)), "kind": "uncertainty"}
    else:
        spec = shipped_spec(choices[0][0]) if choices else None
        if initial is None and spec is not None:
            latest = years_with_data(spec)[-1:] if spec else []
            initial = {"spec": choices[0][0], "years": ",".join(map(str, latest)), "kind": "build"}
    years = _form_years(data, choices, spec)
    return StartRunForm(data=data, initial=initial, specs=choices, years=years)


def _form_years(data, choices, default_spec) -> list[int]:
    """The years with data of the spec chosen in a posted form (or of the default one)."""
    chosen = (data or {}).get("spec")
    if chosen and chosen in dict(choices):
        if chosen.startswith(SPEC_OF_RUN):
            from deltawatch.methods.index import load_spec

            run = IndexRun.objects.filter(pk=int(chosen[len(SPEC_OF_RUN):])).first()
            return years_with_data(load_spec(run.spec)) if run else []
        return years_with_data(shipped_spec(chosen))
    return years_with_data(default_spec) if default_spec is not None else []


# ------------------------------------------------------------------------------ the list


def list_state(request) -> str:
    """What the run list shows besides the data version: which runs are published, and the
    state of the user's own jobs (their progress moves while a job runs)."""
    jobs = jobs_for(request.user).filter(kind__in=JOB_KINDS.values())[:5]
    return f"{published_runs()}|{list(jobs.values_list('id', 'status', 'progress', 'message'))}"


@require_GET
@cached_page(extra=list_state)
def index_list(request):
    """The shipped specs, the saved specs and the runs the user may see, newest first."""
    runs = restrict(IndexRun.objects.select_related("run_by"), request.user, "view")
    sort = request.GET.get("sort", "-started_at")
    key = sort.lstrip("-")
    if key not in RUN_SORTS:
        sort, key = "-started_at", "started_at"
    order = [("-" + f) if sort.startswith("-") else f for f in RUN_SORTS[key]]
    page = Paginator(runs.order_by(*order), 50).get_page(request.GET.get("page"))
    shipped = shipped_by_digest()
    specs = []
    for name in packaged_specs():
        spec = shipped_spec(name)
        specs.append({"name": name, "title": spec_title(spec), "description": description_text(spec),
                      "indicators": len(spec.indicators), "aggregates": len(spec.aggregates),
                      "years": year_span(years_with_data(spec, request.user))})
    saved = (runs.order_by().values("spec_digest", "name").annotate(n=Count("id"))
             .order_by("name", "spec_digest"))
    latest = {}
    for pk, digest in runs.order_by("-started_at", "-id").values_list("id", "spec_digest"):
        latest.setdefault(digest, pk)
    context = {
        "specs": specs,
        "saved_specs": [{**row, "shipped": shipped.get(row["spec_digest"]), "latest": latest.get(row["spec_digest"])}
                        for row in saved],
        "page": page, "sort": sort, "total": page.paginator.count,
        "rows": [{"run": run, "years": year_span(run.years), "shipped": shipped.get(run.spec_digest)}
                 for run in page.object_list],
        "form": start_form(request.user),
        "jobs": list(jobs_for(request.user).filter(kind__in=JOB_KINDS.values())[:5]),
        "can_run": can_run(request.user),
    }
    return render(request, "indices/list.html", context)


# ------------------------------------------------------------------------------ a run


def companions(run: IndexRun, user):
    """The runs of the same spec on the same data that ``user`` may see, newest first."""
    return restrict(IndexRun.objects.filter(spec_digest=run.spec_digest, data_hash=run.data_hash), user,
                    "view").order_by("-started_at", "-id")


def related_runs(run: IndexRun, user) -> dict:
    """The build (scores), the interval run (rank intervals) and the sensitivity run (Sobol
    indices) shown on ``run``'s page: ``run`` itself where it is of that kind, else its
    newest companion of that kind."""
    others = list(companions(run, user))

    def newest(*kinds):
        if run.kind in kinds:
            return run
        return next((r for r in others if r.kind in kinds), None)

    return {"build": newest(IndexRunKind.BUILD),
            "intervals": newest(IndexRunKind.UNCERTAINTY) or newest(IndexRunKind.SENSITIVITY),
            "sensitivity": newest(IndexRunKind.SENSITIVITY)}


def published_runs() -> str:
    """The ids of the published runs: a run page's cache key part, since publishing or
    withdrawing a run changes what the public may see without a new data version."""
    return ",".join(map(str, IndexRun.objects.filter(is_published=True).order_by("id").values_list("id", flat=True)))


def _choice(request, name: str, allowed, default):
    """A choice from the query string; a value that is not among ``allowed`` is a page that
    does not exist (404)."""
    text = request.GET.get(name)
    if text in (None, ""):
        return default
    for value in allowed:
        if str(value) == text:
            return value
    raise Http404(f"unknown {name}")


def _unit_names(codes, user) -> dict[str, str]:
    from deltawatch.regions.models import Region

    field = "name_en" if english() else "name_zh"
    return dict(restrict(Region.objects.filter(code__in=list(codes)), user, "view").values_list("code", field))


def rank_text(value) -> str:
    """A rank statistic as people read it: 8, or 7.5 for a percentile between two ranks."""
    if value is None:
        return "—"
    value = round(float(value), 1)
    return str(int(value)) if value.is_integer() else f"{value:.1f}"


def ranking_rows(build, year, node, intervals_run, user) -> list[dict]:
    """One row per unit at ``node`` in ``year``: name, code, score, rank, and the rank
    interval (nominal, 5 %, median, 95 %) when ``intervals_run`` analysed that node."""
    scores = restrict(IndexScore.objects.filter(run=build, node=node, year=year), user, "view") if build else []
    intervals = {}
    if intervals_run is not None and intervals_run.target == node:
        intervals = {i.unit_code: i for i in restrict(IndexRankInterval.objects.filter(run=intervals_run), user,
                                                       "view")}
    units = [s.unit_code for s in scores] or list(intervals)
    names = _unit_names(units, user)
    rows = []
    if scores:
        for s in scores:
            rows.append({"code": s.unit_code, "name": names.get(s.unit_code, s.unit_code), "score": s.score,
                         "rank": s.rank, "interval": intervals.get(s.unit_code)})
    else:  # an analysis without a stored build: its nominal ranks
        for code, i in intervals.items():
            rows.append({"code": code, "name": names.get(code, code), "score": None,
                         "rank": None if i.nominal_rank is None else int(i.nominal_rank), "interval": i})
    for row in rows:
        i = row["interval"]
        row["band"] = f"{rank_text(i.q05_rank)}–{rank_text(i.q95_rank)}" if i is not None else "—"
        row["nominal"] = rank_text(i.nominal_rank) if i is not None else "—"
        row["median"] = rank_text(i.median_rank) if i is not None else "—"
    return rows


def sort_rows(rows: list[dict], sort: str) -> list[dict]:
    key = sort.lstrip("-")
    reverse_order = sort.startswith("-")
    present = [r for r in rows if r[key] is not None]
    missing = [r for r in rows if r[key] is None]  # units without a value last, whatever the order
    return sorted(present, key=lambda r: r[key], reverse=reverse_order) + missing


def tree_rows(spec, build, year, unit, node, user, base_query: dict) -> list[dict]:
    """The tree in depth-first order, each node with ``unit``'s score and rank and the link
    that shows the ranking at that node."""
    values = {}
    if build is not None and unit:
        values = {s.node: s for s in restrict(IndexScore.objects.filter(run=build, year=year, unit_code=unit), user,
                                              "view")}
    rows = []

    def visit(code: str, depth: int):
        found = values.get(code)
        rows.append({"code": code, "name": node_name(spec, code), "depth": min(depth, 5),
                     "indicator": code not in spec.children, "active": code == node,
                     "score": found.score if found else None, "rank": found.rank if found else None,
                     "url": "?" + urlencode({**base_query, "node": code})})
        for child in spec.children.get(code, []):
            visit(child, depth + 1)

    visit(spec.root, 0)
    return rows


def weight_rows(spec, build) -> tuple[list[dict], bool]:
    """Each node's weight: the weights the build used when they were stored (given and
    computed, with each node's share of the index), else the spec's given weights and the
    method that computes the others. Returns (rows, computed weights stored)."""
    from deltawatch.methods.index.weights import METHODS

    stored = {w["node"]: w for w in (build.summary.get("weights") or [])} if build else {}
    step = spec.step("weight")
    rows = []
    for code in _depth_first(spec):
        level = spec.levels[code]
        method = step.setting_for(level).method if step else "given"
        known = METHODS.get(method)
        label = (known.label_en if english() else known.label_zh) if known else method
        row = stored.get(code, {})
        rows.append({"code": code, "name": node_name(spec, code), "level": level, "method": label,
                     "parent": node_name(spec, spec.node(code).parent) if spec.node(code).parent else "",
                     "given": spec.node(code).weight, "weight": row.get("weight"), "share": row.get("share"),
                     "effective": row.get("effective")})
    return rows, bool(stored)


def _depth_first(spec) -> list[str]:
    out = []

    def visit(code):
        out.append(code)
        for child in spec.children.get(code, []):
            visit(child)

    visit(spec.root)
    return out


# ---- charts (ECharts options as dicts: site.js draws them; no functions in JSON) ----


def _tip(*lines) -> dict:
    """A data item's own tooltip: fixed text (ECharts shows it as HTML, so escaped here)."""
    return {"formatter": "<br>".join(escape(str(line)) for line in lines)}


def interval_chart(rows: list[dict], title: str) -> dict | None:
    """The ranking as an error-bar chart: each unit's 5–95 % rank band (a box from the 5th to
    the 95th percentile with the median marked) and its nominal rank (a dot), rank 1 on top."""
    shown = sorted([r for r in rows if r["interval"] is not None and r["interval"].q05_rank is not None],
                   key=lambda r: (r["interval"].nominal_rank or 0, r["name"]))
    if not shown:
        return None
    band, nominal, names = [], [], []
    for r in shown:
        i = r["interval"]
        names.append(r["name"])
        text = _("%(name)s：名义排名 %(nominal)s，5–95%% 区间 %(low)s–%(high)s，中位数 %(median)s") % {
            "name": r["name"], "nominal": rank_text(i.nominal_rank), "low": rank_text(i.q05_rank),
            "high": rank_text(i.q95_rank), "median": rank_text(i.median_rank)}
        band.append({"value": [i.q05_rank, i.q05_rank, i.median_rank, i.q95_rank, i.q95_rank], "tooltip": _tip(text)})
        nominal.append({"value": [i.nominal_rank, r["name"]], "tooltip": _tip(text)})
    return {
        "tooltip": {"trigger": "item"},
        "legend": {"top": 0, "data": [_("5–95% 排名区间"), _("名义排名")]},
        "grid": {"left": label_width(names), "right": 24, "top": 32, "bottom": 36},
        # 0 … n + 1 so that the first and last units' boxes are not cut; those two ticks unlabelled
        "xAxis": {"type": "value", "min": 0, "max": len(rows) + 1, "name": _("排名（1 为最好）"), "nameLocation": "middle",
                  "nameGap": 24, "minInterval": 1, "axisLabel": {"showMinLabel": False, "showMaxLabel": False}},
        "yAxis": {"type": "category", "data": names, "inverse": True, "axisLabel": {"interval": 0, "fontSize": 11}},
        "series": [
            {"name": _("5–95% 排名区间"), "type": "boxplot", "data": band, "boxWidth": [3, 9],
             "itemStyle": {"color": "#cfe0f5", "borderColor": "#1d4e89"}},
            {"name": _("名义排名"), "type": "scatter", "data": nominal, "symbolSize": 7, "itemStyle": {"color": "#c0392b"},
             "z": 3},
        ],
        "aria": {"enabled": True, "label": {"description": title}},
    }


def score_chart(rows: list[dict], node_label: str) -> dict | None:
    """Scores at the node as horizontal bars, best on top (when no intervals are stored)."""
    shown = sorted([r for r in rows if r["score"] is not None], key=lambda r: (r["rank"] or 0, r["name"]))
    if not shown:
        return None
    return {
        "tooltip": {"trigger": "item", "formatter": "{b}：{c}"},
        "grid": {"left": label_width([r["name"] for r in shown]), "right": 24, "top": 16, "bottom": 36},
        "xAxis": {"type": "value", "name": _("得分"), "nameLocation": "middle", "nameGap": 24},
        "yAxis": {"type": "category", "data": [r["name"] for r in shown], "inverse": True,
                  "axisLabel": {"interval": 0, "fontSize": 11}},
        "series": [{"name": node_label, "type": "bar", "data": [round(r["score"], 2) for r in shown],
                    "itemStyle": {"color": "#2c7be5"}}],
    }


def score_map(rows: list[dict], node_label: str, query: dict) -> dict | None:
    """The scores on the map of the 41 cities (schematic); a click shows that city's tree."""
    from deltawatch.regions.models import Region

    shown = [r for r in rows if r["score"] is not None]
    if not shown:
        return None
    chinese = dict(Region.objects.filter(code__in=[r["code"] for r in shown]).values_list("code", "name_zh"))
    values = [round(r["score"], 2) for r in shown]
    series = {"name": node_label, "type": "map", "roam": False, "label": {"show": False},
              "emphasis": {"label": {"show": True}},
              "data": [{"name": chinese.get(r["code"], r["code"]), "value": round(r["score"], 2),
                        "url": "?" + urlencode({**query, "unit": r["code"]}) + "#tree"} for r in shown]}
    if english():  # the GeoJSON names are Chinese; show the English ones
        series["nameMap"] = {chinese.get(r["code"], r["code"]): r["name"] for r in shown}
        for item, r in zip(series["data"], shown):
            item["name"] = r["name"]
    return {
        "tooltip": {"trigger": "item", "formatter": "{b}：{c}"},
        "visualMap": {"min": min(values), "max": max(values), "calculable": True, "left": 0, "bottom": 8,
                      "itemWidth": 12, "itemHeight": 110,
                      "text": [_("高"), _("低")], "inRange": {"color": ["#e8f1fb", "#6aa4e0", "#1d4e89"]}},
        "series": [series],
    }


def sobol_chart(rows: list, factor_label) -> dict | None:
    """First-order and total Sobol indices of each factor, each with its 95 % confidence
    interval (a box from estimate − half-width to estimate + half-width, the estimate marked)."""
    if not rows:
        return None
    names = [factor_label(r.factor) for r in rows]

    def items(estimate, half, symbol):
        out = []
        for r, name in zip(rows, names):
            value, conf = getattr(r, estimate), getattr(r, half) or 0.0
            if value is None:
                out.append({"value": [None] * 5})
                continue
            text = _("%(name)s：%(symbol)s = %(value)s（95%% 置信区间 %(low)s – %(high)s）") % {
                "name": name, "symbol": symbol, "value": f"{value:.3f}", "low": f"{value - conf:.3f}",
                "high": f"{value + conf:.3f}"}
            out.append({"value": [value - conf, value - conf, value, value + conf, value + conf], "tooltip": _tip(text)})
        return out

    return {
        "tooltip": {"trigger": "item"},
        "legend": {"top": 0, "data": [_("一阶指数 S1"), _("总效应指数 ST")]},
        "grid": {"left": 8, "right": 24, "top": 32, "bottom": 36, "containLabel": True},
        "xAxis": {"type": "value", "name": _("Sobol 指数"), "nameLocation": "middle", "nameGap": 24},
        "yAxis": {"type": "category", "data": names, "inverse": True},
        "series": [
            {"name": _("一阶指数 S1"), "type": "boxplot", "data": items("s1", "s1_conf", "S1"), "boxWidth": [6, 14],
             "itemStyle": {"color": "#cfe0f5", "borderColor": "#1d4e89"}},
            {"name": _("总效应指数 ST"), "type": "boxplot", "data": items("st", "st_conf", "ST"), "boxWidth": [6, 14],
             "itemStyle": {"color": "#fde2c8", "borderColor": "#b7791f"}},
        ],
    }


FACTORS = {"winmax": gettext_lazy("异常值处理阈值"), "normalisation": gettext_lazy("标准化方法"),
           "indicator_weights": gettext_lazy("指标权重方法"), "dimension_weights": gettext_lazy("维度权重扰动"),
           "aggregation": gettext_lazy("汇总方法")}


def factor_label(code: str) -> str:
    """A factor of the shipped specs in words (others by their name)."""
    return f"{FACTORS[code]} ({code})" if code in FACTORS else code


# ---- the page ----


def _year_of(request, build):
    years = sorted(build.years) if build is not None and build.years else []
    if not years:
        if request.GET.get("year"):
            raise Http404("unknown year")
        return None, []
    return _choice(request, "year", years, years[-1]), years


@require_GET
@cached_page(extra=lambda request, pk: published_runs())
def run_detail(request, pk: int):
    """A run's page (404 for a run the user may not see: for the public, an unpublished one)."""
    from deltawatch.methods.index import load_spec

    run = get_object_or_404(restrict(IndexRun.objects.select_related("run_by"), request.user, "view"), pk=pk)
    spec = load_spec(run.spec)
    related = related_runs(run, request.user)
    build, interval_run, sensitivity_run = related["build"], related["intervals"], related["sensitivity"]
    year, years = _year_of(request, build)
    if build is None and run.years:
        year = run.years[0]
    node = _choice(request, "node", list(spec.levels), spec.root)
    sort = _choice(request, "sort", RANK_SORTS, "rank")
    rows = sort_rows(ranking_rows(build, year, node, interval_run, request.user), sort)
    unit = _choice(request, "unit", [r["code"] for r in rows], None)
    if unit is None and rows:
        unit = min(rows, key=lambda r: (r["rank"] is None, r["rank"] or 0))["code"]
    query = {k: v for k, v in {"year": year if len(years) > 1 else None, "node": node if node != spec.root else None,
                               "sort": sort if sort != "rank" else None}.items() if v is not None}
    if request.GET.get("format") == "csv":
        return ranking_csv(run, spec, year, node, rows)
    for r in rows:
        r["url"] = "?" + urlencode({**query, "unit": r["code"]}) + "#tree"
    node_label = node_name(spec, node)
    sensitivities = list(restrict(IndexSensitivity.objects.filter(run=sensitivity_run), request.user, "view")
                         .order_by("-st")) if sensitivity_run else []
    weights, weights_stored = weight_rows(spec, build)
    unit_name = next((r["name"] for r in rows if r["code"] == unit), unit)
    context = {
        "run": run, "spec": spec, "title": spec_title(spec),
        "source_label": _("系统内统计数据") if run.data_source == "database" else run.data_source, "build": build, "interval_run": interval_run,
        "sensitivity_run": sensitivity_run, "year": year, "years": years, "node": node, "node_label": node_label,
        "nodes": [(code, "\N{IDEOGRAPHIC SPACE}" * (spec.levels[spec.root] - spec.levels[code]) + node_name(spec, code))
                  for code in _depth_first(spec)],
        "rows": rows, "sort": sort, "query": query, "unit": unit, "unit_name": unit_name,
        "intervals_here": interval_run is not None and interval_run.target == node,
        "interval_target": node_name(spec, interval_run.target) if interval_run and interval_run.target in spec.levels
        else "",
        "tree": tree_rows(spec, build, year, unit, node, request.user, {**query, "unit": unit} if unit else query),
        "weights": weights, "weights_stored": weights_stored,
        "sensitivities": [{"factor": factor_label(s.factor), "s1": s.s1, "s1_conf": s.s1_conf, "st": s.st,
                           "st_conf": s.st_conf} for s in sensitivities],
        "chart_intervals": interval_chart(rows, node_label),
        "chart_scores": score_chart(rows, node_label),
        "chart_map": score_map(rows, node_label, query),
        "chart_sobol": sobol_chart(sensitivities, factor_label),
        "can_run": can_run(request.user),
        "form": start_form(request.user, run),
        "csv_url": "?" + urlencode({**query, "format": "csv"}),
        "sort_links": _sort_links(query, sort),
        "failed_runs": (interval_run.summary or {}).get("failed_runs") if interval_run else None,
    }
    return render(request, "indices/run.html", context)


def _sort_links(query: dict, sort: str) -> dict:
    """The link of each sortable column: its order, reversed when it is the current one."""
    base = {k: v for k, v in query.items() if k != "sort"}
    links = {}
    for key, first in (("name", "name"), ("score", "-score"), ("rank", "rank")):
        chosen = ("-" + key if sort == key else key) if sort.lstrip("-") == key else first
        links[key] = "?" + urlencode({**base, "sort": chosen})
    return links


def ranking_csv(run, spec, year, node, rows) -> HttpResponse:
    """The ranking table as shown (same node, year and order), as CSV for Excel (UTF-8 BOM)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="index-run-{run.pk}-{node}-{year or "all"}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([_("单元"), _("单元代码"), _("年份"), _("节点"), _("得分"), _("排名"), _("名义排名"),
                     _("排名5%分位"), _("排名中位数"), _("排名95%分位")])
    for r in rows:
        i = r["interval"]
        writer.writerow([neutralise(r["name"]), r["code"], year or "", neutralise(node_name(spec, node)),
                         "" if r["score"] is None else r["score"], "" if r["rank"] is None else r["rank"],
                         *(("" if getattr(i, f) is None else getattr(i, f)) if i else ""
                           for f in ("nominal_rank", "q05_rank", "median_rank", "q95_rank"))])
    return response


# ------------------------------------------------------------------------------ actions


@require_POST
def publish(request, pk: int):
    """Publish (or withdraw) a run together with the runs its page shows — the build, the
    interval run, the sensitivity run — so that the public sees the page as it is. The public
    is sent to sign in, a role that may not run indices refused (403); nothing changes."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("indices:run", args=[pk]))
    if not can_run(request.user):
        raise PermissionDenied
    run = get_object_or_404(restrict(IndexRun.objects.all(), request.user, "view"), pk=pk)
    related = {r.pk for r in related_runs(run, request.user).values() if r is not None} | {run.pk}
    publish_it = request.POST.get("action") != "withdraw"
    IndexRun.objects.filter(pk__in=related).update(is_published=publish_it)
    ids = listing(f"#{i}" for i in sorted(related))
    messages.success(request, (_("已公开运行 %(ids)s：公众现在可以看到本页。") if publish_it
                               else _("已撤回运行 %(ids)s 的公开：公众不再能看到本页。")) % {"ids": ids})
    return redirect("indices:run", pk=run.pk)


@require_POST
def start(request):
    """Queue a build or an analysis as a background job and show its progress (403 for a
    user who may not run indices, the public sent to sign in; nothing is queued)."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("indices:list"))
    if not can_run(request.user):
        raise PermissionDenied
    run = None
    spec_value = request.POST.get("spec", "")
    if spec_value.startswith(SPEC_OF_RUN) and spec_value[len(SPEC_OF_RUN):].isdigit():
        run = restrict(IndexRun.objects.all(), request.user, "view").filter(
            pk=int(spec_value[len(SPEC_OF_RUN):])).first()
    form = start_form(request.user, run, data=request.POST)
    if not form.is_valid():
        return render(request, "indices/start.html", {"form": form}, status=400)
    kind, parameters = form.job()
    job = enqueue(kind, {**parameters, "lang": get_language() or "zh-hans"}, request.user)
    return redirect("indices:job", pk=job.pk)


KIND_LABELS = {INDEX_BUILD: gettext_lazy("构建指数"), INDEX_UNCERTAINTY: gettext_lazy("不确定性分析"),
               INDEX_SENSITIVITY: gettext_lazy("敏感性分析")}


@require_GET
def job_status(request, pk: int):
    """A job's progress; HTMX polls the status block every 2 s until the job has finished
    (404 for a job that is not the user's; jobs are private, so the public is sent to sign in)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    job = get_object_or_404(jobs_for(request.user).filter(kind__in=JOB_KINDS.values()), pk=pk)
    short = {v: k for k, v in JOB_KINDS.items()}[job.kind]
    parameters = job.parameters
    retry = {"kind": short, "years": ",".join(map(str, parameters.get("years") or [])),
             "spec": f"{SPEC_OF_RUN}{parameters['spec_run']}" if parameters.get("spec_run") else parameters.get("spec"),
             "runs": parameters.get("runs") or "", "seed": parameters.get("seed", 0)}
    context = {"job": job, "kind_label": KIND_LABELS[job.kind], "retry": retry,
               "spec_label": parameters.get("spec") or _("运行 #%(id)s 的指数定义") % {"id": parameters.get("spec_run")},
               "years": year_span(parameters.get("years")), "runs": parameters.get("runs"),
               "can_run": can_run(request.user)}
    template = "indices/_job_status.html" if request.htmx else "indices/job.html"
    return render(request, template, context)


__all__ = ["index_list", "run_detail", "publish", "start", "job_status", "RUNS"]
