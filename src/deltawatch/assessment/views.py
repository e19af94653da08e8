"""The 绩效考核 / 对照学习 pages (issue 15, item 5): the schemes, a scheme with its definition in
words, its runs, peer groups, bonus items and benchmark pairs; a run's ranking (every rank with
its interval), its chart, its map of grades and its exports; a unit's scorecard.

Who sees what (``access``): the office (长三角办, and the system administrators) does
everything; researchers read everything, unpublished runs included; departments and
reporters read the published runs and the scorecards of their own region (and the regions
below it); the public reads the published runs' rankings, and of a scheme without one only its
name. Every refused POST writes nothing: the public is sent to sign in, another role gets 403.
The computation is ``services``; nothing here decides a score.
"""

from __future__ import annotations

import math

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_GET, require_POST

from deltawatch.accounts.roles import office_may
from deltawatch.accounts.scoping import restrict
from deltawatch.indicators.services import english, localized
from deltawatch.indices.views import label_width
from deltawatch.methods.assessment import DEFAULT_FACTORS, GRADES, SWAP_SHARE
from deltawatch.observations.exports import table_response
from deltawatch.regions.models import Region

from . import services
from .forms import AdjustmentForm, BenchmarkForm, PeerForm, RunForm
from .models import Adjustment, BenchmarkPair, PeerGroup, PeerSource, Result, Run, Scheme

GRADE_KEYS = {"优秀": "excellent", "良好": "good", "一般": "fair", "较差": "poor"}
GRADE_LABELS = {"优秀": _l("优秀"), "良好": _l("良好"), "一般": _l("一般"), "较差": _l("较差")}
GRADE_COLOURS = {"优秀": "#1a7f37", "良好": "#6aa84f", "一般": "#d9a21b", "较差": "#c0392b"}
# The scorecard's legend set (DHIS2): contiguous 0–100 bands, no gaps
LEGEND = [(0, 40, "low", _l("较低")), (40, 60, "fair", _l("中等")), (60, 80, "good", _l("较好")),
          (80, 100.0001, "high", _l("较高"))]
KIND_WORDS = {
    "index": _l("指标水平：指数方案“%(spec)s”对本单位的总得分（按指数方案标准化与加权汇总，0–100）。"),
    "progress": _l("目标进展：本单位各序列（目标及无目标指标的趋势）Open SDG 进展得分的平均，由 −5…5 换算为 0…100，"
                   "即 (得分 + 5) × 10。"),
    "tasks": _l("任务落实：本单位所属机构承办的任务清单事项，按期完成率（应完成事项中按期办结的比例）与平均进度的平均 × 100；"
                "尚未到期的事项不计入按期完成率。"),
}
EXPORT_FORMATS = ("csv", "xlsx")


# ------------------------------------------------------------------------------ language, numbers


def listing(items) -> str:
    return (", " if english() else "、").join(str(item) for item in items)


def rank_text(value) -> str:
    """A rank statistic as people read it: 8, or 7.5 for a quantile between two ranks."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    value = round(float(value), 1)
    return str(int(value)) if value.is_integer() else f"{value:.1f}"


def interval_text(low, high) -> str:
    return f"{rank_text(low)}–{rank_text(high)}"


def group_label(label: str) -> str:
    """A peer group as the pages name it: clustering numbers its groups (第 1 类)."""
    if not label or label == "—":
        return _("未分类")
    return _("第 %(n)s 类") % {"n": label} if label.isdigit() else label


def band(value) -> tuple[str, str]:
    """The legend band (css key, label) of a 0–100 value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "none", _("无数据")
    for low, high, key, label in LEGEND:
        if low <= value < high:
            return key, str(label)
    return ("high", str(LEGEND[-1][3])) if value >= 100 else ("low", str(LEGEND[0][3]))


# ------------------------------------------------------------------------------ who may do what


def is_office(user) -> bool:
    """The office (长三角办 with the assessment's change permission) or a system administrator."""
    return office_may(user, "assessment.change_scheme")


def reads_all(user) -> bool:
    """The office and researchers: every run, published or not."""
    return user.is_authenticated and (is_office(user) or user.has_perm("assessment.view_run"))


def visible_runs(user):
    runs = Run.objects.select_related("scheme", "created_by")
    return runs if reads_all(user) else runs.filter(is_published=True)


def may_see_scorecard(user, run: Run, unit) -> bool:
    """The office and researchers every scorecard; anyone (the public too) a published run's
    scorecards — the published ranking already shows every unit's components and rank."""
    return reads_all(user) or run.is_published


def _require_office(request, back: str):
    """The public is sent to sign in (a redirect: nothing written); another role 403."""
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    if not is_office(request.user):
        raise PermissionDenied(_("只有长三角办可以管理考核方案。"))
    return None


# ------------------------------------------------------------------------------ /assessment/


@require_GET
def schemes(request):
    """The schemes with their latest run the user may see."""
    runs = visible_runs(request.user)
    rows = []
    for scheme in Scheme.objects.select_related("group").order_by("code"):
        latest = runs.filter(scheme=scheme).order_by("-created_at", "-id").first()
        rows.append({"scheme": scheme, "name": localized(scheme), "latest": latest, "group": localized(scheme.group),
                     "units": latest.results.count() if latest else None,
                     "scored": latest.results.filter(score__isnull=False).count() if latest else None,
                     "details": reads_all(request.user) or latest is not None})
    return render(request, "assessment/schemes.html", {"rows": rows, "is_office": is_office(request.user),
                                                       "reads_all": reads_all(request.user)})


# ------------------------------------------------------------------------------ /assessment/<code>/


def factor_words(factor: dict) -> str:
    """An uncertainty factor of the engine's format in words."""
    name = factor.get("name", "")
    if "noise" in factor:
        shares = [f"±{100 * float(v):.0f}%" for v in (factor.get("noise") or {}).values()]
        return _("%(name)s：各项权重随机扰动 %(noise)s") % {"name": _("权重"), "noise": listing(shares)}
    labels = {"none": _("原值（已是 0–100）"), "minmax": _("最小–最大标准化（0–100）"), "arithmetic": _("算术平均"),
              "generalised": _("幂平均"), "geometric": _("几何平均"), "harmonic": _("调和平均"), "zscore": _("Z 分数")}
    options = []
    for alternative in factor.get("alternatives") or []:
        method = alternative.get("method", "")
        text = str(labels.get(method, method))
        if (alternative.get("params") or {}).get("p") is not None and method == "generalised":
            text += f"（p = {alternative['params']['p']}）"
        options.append(text)
    step = {"normalise": _("标准化"), "aggregate": _("汇总方法")}.get(factor.get("step"), name)
    return _("%(name)s：在 %(options)s 之间随机选择") % {"name": step, "options": listing(options)}


def grading_words(grading: dict) -> str:
    if grading.get("cutoffs"):
        cut = grading["cutoffs"]
        return _("按得分分档：%(a)s 分及以上为优秀，%(b)s 分及以上为良好，%(c)s 分及以上为一般，其余为较差。") % {
            "a": cut.get("优秀"), "b": cut.get("良好"), "c": cut.get("一般")}
    shares = grading.get("shares") or {"优秀": 0.2, "良好": 0.3, "一般": 0.4}
    where = _("每个类别内") if grading.get("within", "group") == "group" else _("全部单位中")
    return _("按比例：%(where)s按排名前 %(a)s 为优秀，其后 %(b)s 为良好，再后 %(c)s 为一般，其余为较差（人数四舍五入，"
             "比例大于 0 时至少 1 个）。") % {"where": where, "a": f"{100 * shares.get('优秀', 0):.0f}%",
                                         "b": f"{100 * shares.get('良好', 0):.0f}%",
                                         "c": f"{100 * shares.get('一般', 0):.0f}%"}


def definition_words(raw: dict) -> dict:
    """A stored definition in words: components with weights and meaning, grading, uncertainty."""
    try:
        definition = services.Definition.read(raw)
    except services.SchemeError as error:
        return {"error": str(error)}
    total = sum(definition.weights.values())
    components = []
    for c in definition.components:
        name = (c.name_en or c.name_zh or c.code) if english() else (c.name_zh or c.code)
        words = str(KIND_WORDS[c.kind]) % {"spec": c.spec} if c.kind == "index" else str(KIND_WORDS[c.kind])
        if c.year:
            words += " " + _("（取 %(year)s 年的值）") % {"year": c.year}
        components.append({"code": c.code, "name": name, "weight": c.weight, "share": c.weight / total,
                           "words": words})
    return {
        "components": components,
        "min_share": _("有得分须至少具备 %(share)s 的考核内容（按项数）；缺少的内容不以 0 计，其余内容的权重重新归一。")
        % {"share": f"{100 * definition.min_share:.0f}%"},
        "grading": grading_words(definition.grading),
        "runs": definition.runs, "seed": definition.seed,
        "factors": [factor_words(f) for f in (definition.factors or DEFAULT_FACTORS)],
        "peer_grouping": definition.peer_grouping,
    }


def component_names(raw: dict) -> dict[str, str]:
    names = {}
    for item in raw.get("components") or []:
        code = item.get("code")
        names[code] = (item.get("name_en") or item.get("name_zh") or code) if english() else (item.get("name_zh") or code)
    return names


def _scheme_context(request, scheme: Scheme, *, adjustment_form=None, benchmark_form=None, peer_form=None,
                    run_form=None) -> dict:
    user = request.user
    office, everything = is_office(user), reads_all(user)
    runs = list(visible_runs(user).filter(scheme=scheme).order_by("-created_at", "-id"))
    details = everything or bool(runs)
    description = scheme.description_en if english() and scheme.description_en else scheme.description
    context = {"scheme": scheme, "name": localized(scheme), "group_name": localized(scheme.group), "is_office": office,
               "reads_all": everything, "details": details, "runs": runs, "description": description}
    if not details:
        return context
    for run in runs:
        run.n_units = run.results.count()
        run.n_scored = run.results.filter(score__isnull=False).count()
    field = scheme.unit_field
    peers = list(scheme.peers.select_related(field).order_by("label", f"{field}__code"))
    units = list(scheme.units())
    grouped = {getattr(p, f"{field}_id"): p for p in peers}
    context.update({
        "words": definition_words(scheme.definition),
        "units": [{"unit": u, "name": localized(u), "peer": grouped.get(u.pk),
                   "label": group_label(grouped[u.pk].label) if u.pk in grouped else _("未分类")} for u in units],
        "group_sizes": _group_sizes(peers),
        "benchmarks": [{"pair": b, "region": localized(b.region), "benchmark": localized(b.benchmark)}
                       for b in scheme.benchmarks.select_related("region", "benchmark").order_by("region__code",
                                                                                                   "benchmark__code")],
        "unit_names": [(u.code, localized(u)) for u in units],
    })
    if everything:
        context["adjustments"] = list(scheme.adjustments.select_related(field, "entered_by")
                                      .order_by("-year", f"{field}__code", "id"))
        for item in context["adjustments"]:
            item.region_label = localized(item.unit)
    if office:
        lang = english()
        context["adjustment_form"] = adjustment_form or AdjustmentForm(scheme=scheme, english=lang,
                                                                       initial={"year": scheme.year})
        context["benchmark_form"] = benchmark_form or BenchmarkForm(scheme=scheme, english=lang)
        context["peer_form"] = peer_form or PeerForm(scheme=scheme, english=lang)
        context["run_form"] = run_form or RunForm(initial={"year": scheme.year,
                                                           "runs": scheme.definition.get("runs", 1000)})
        grouping = scheme.definition.get("peer_grouping") or {}
        context["can_cluster"] = bool(grouping.get("indicators")) and not scheme.assesses_departments
    return context


def _group_sizes(peers) -> list[dict]:
    sizes = {}
    for p in peers:
        sizes.setdefault(p.label, []).append(p)
    return [{"label": group_label(label), "n": len(items),
             "cluster": sum(1 for p in items if p.source == PeerSource.CLUSTER)} for label, items in sorted(sizes.items())]


@require_GET
def scheme(request, code: str):
    scheme = get_object_or_404(Scheme.objects.select_related("group"), code=code)
    return render(request, "assessment/scheme.html", _scheme_context(request, scheme))


def _scheme_for_post(request, code: str):
    scheme = get_object_or_404(Scheme.objects.select_related("group"), code=code)
    return scheme, _require_office(request, reverse("assessment:scheme", args=[code]))


@require_POST
def scheme_run(request, code: str):
    """Run the scheme now (synchronously: about 8 s for 41 units and 1000 runs)."""
    scheme, refused = _scheme_for_post(request, code)
    if refused:
        return refused
    form = RunForm(request.POST)
    if not form.is_valid():
        return render(request, "assessment/scheme.html", _scheme_context(request, scheme, run_form=form), status=400)
    from deltawatch.audit.context import acting_as

    try:
        with acting_as(request.user):
            run = services.run_scheme(scheme, year=form.cleaned_data["year"], runs=form.cleaned_data["runs"],
                                      user=request.user)
    except services.SchemeError as error:
        messages.error(request, _("考核未运行：%(reason)s") % {"reason": error})
        return redirect("assessment:scheme", code=scheme.code)
    messages.success(request, _("已完成考核运行 #%(id)s（%(year)s 年，%(runs)s 次模拟）；尚未公开。")
                     % {"id": run.pk, "year": run.year, "runs": run.runs})
    return redirect("assessment:run", pk=run.pk)


@require_POST
def adjustment_add(request, code: str):
    """A 加分 / 扣分 item; refused without a reason (the model's message), the form keeping
    what was typed."""
    scheme, refused = _scheme_for_post(request, code)
    if refused:
        return refused
    form = AdjustmentForm(request.POST, scheme=scheme, english=english())
    if form.is_valid():
        data = form.cleaned_data
        unit = scheme.units().get(code=data["region"])
        from deltawatch.audit.context import acting_as

        item = None
        try:  # the model's own rule first, so that its message stands on the field it is about
            Adjustment(scheme=scheme, **{scheme.unit_field: unit}, year=data["year"], points=data["points"],
                       reason=(data["reason"] or "").strip()).clean()
        except ValidationError as error:
            for field, texts in error.message_dict.items():
                form.add_error(field if field in form.fields else None, texts)
        else:
            try:
                with acting_as(request.user):
                    item = services.add_adjustment(scheme, unit=unit, year=data["year"], points=data["points"],
                                                   reason=data["reason"], user=request.user)
            except services.SchemeError as error:
                form.add_error(None, str(error))
        if item is not None:
            messages.success(request, _("已录入%(kind)s：%(unit)s %(points)s 分（%(year)s 年）。下次运行时计入。") % {
                "kind": _("加分") if item.points > 0 else _("扣分"), "unit": localized(unit),
                "points": f"{item.points:+g}", "year": item.year})
            return redirect(reverse("assessment:scheme", args=[scheme.code]) + "#adjustments")
    return render(request, "assessment/scheme.html", _scheme_context(request, scheme, adjustment_form=form),
                  status=400)


@require_POST
def benchmark_add(request, code: str):
    scheme, refused = _scheme_for_post(request, code)
    if refused:
        return refused
    form = BenchmarkForm(request.POST, scheme=scheme, english=english())
    if form.is_valid():
        region = scheme.units().get(code=form.cleaned_data["region"])
        pair = BenchmarkPair(scheme=scheme, region=region, benchmark=form.cleaned_data["benchmark"],
                             source=PeerSource.OFFICE)
        try:
            pair.full_clean()
        except ValidationError as error:
            for field, texts in error.message_dict.items():
                for text in texts:
                    form.add_error(field if field in form.fields else None, text)
        else:
            from deltawatch.audit.context import acting_as

            with acting_as(request.user):
                pair.save()
            messages.success(request, _("已添加对照学习单位：%(unit)s → %(benchmark)s。")
                             % {"unit": localized(region), "benchmark": localized(pair.benchmark)})
            return redirect(reverse("assessment:scheme", args=[scheme.code]) + "#benchmarks")
    return render(request, "assessment/scheme.html", _scheme_context(request, scheme, benchmark_form=form),
                  status=400)


@require_POST
def benchmark_delete(request, code: str, pk: int):
    scheme, refused = _scheme_for_post(request, code)
    if refused:
        return refused
    pair = get_object_or_404(BenchmarkPair.objects.select_related("region", "benchmark"), pk=pk, scheme=scheme)
    from deltawatch.audit.context import acting_as

    with acting_as(request.user):
        pair.delete()
    messages.success(request, _("已移除对照学习单位：%(unit)s → %(benchmark)s。")
                     % {"unit": localized(pair.region), "benchmark": localized(pair.benchmark)})
    return redirect(reverse("assessment:scheme", args=[scheme.code]) + "#benchmarks")


@require_POST
def peer_set(request, code: str):
    """The office sets a unit's peer group (长三角办指定: kept when the scheme is re-clustered)."""
    scheme, refused = _scheme_for_post(request, code)
    if refused:
        return refused
    form = PeerForm(request.POST, scheme=scheme, english=english())
    if not form.is_valid():
        return render(request, "assessment/scheme.html", _scheme_context(request, scheme, peer_form=form), status=400)
    unit = scheme.units().get(code=form.cleaned_data["region"])
    label = form.cleaned_data["label"].strip()
    from deltawatch.audit.context import acting_as

    with acting_as(request.user), transaction.atomic():
        PeerGroup.objects.update_or_create(scheme=scheme, **{scheme.unit_field: unit},
                                           defaults={"label": label, "source": PeerSource.OFFICE})
    messages.success(request, _("%(unit)s 已归入%(group)s（长三角办指定，重新聚类时保留）。下次运行时生效。")
                     % {"unit": localized(unit), "group": group_label(label)})
    return redirect(reverse("assessment:scheme", args=[scheme.code]) + "#peers")


@require_POST
def recluster(request, code: str):
    """Cluster again with the scheme's ``peer_grouping`` (the office's own groups kept)."""
    scheme, refused = _scheme_for_post(request, code)
    if refused:
        return refused
    grouping = scheme.definition.get("peer_grouping") or {}
    if not grouping.get("indicators"):
        messages.error(request, _("方案定义中没有聚类设置（peer_grouping），无法重新聚类。"))
        return redirect(reverse("assessment:scheme", args=[scheme.code]) + "#peers")
    from deltawatch.audit.context import acting_as

    try:
        with acting_as(request.user):
            criterion = services.cluster_scheme(scheme, indicators=list(grouping["indicators"]),
                                                year=int(grouping.get("year") or scheme.year),
                                                method_name=grouping.get("method", "ward"), k=grouping.get("k"),
                                                k_range=tuple(grouping.get("k_range") or (2, 5)))
    except services.SchemeError as error:
        messages.error(request, _("未能重新聚类：%(reason)s") % {"reason": error})
        return redirect(reverse("assessment:scheme", args=[scheme.code]) + "#peers")
    best = criterion.loc[criterion["silhouette"].idxmax()] if criterion["silhouette"].notna().any() else None
    if best is not None:
        messages.success(request, _("已重新聚类：按平均轮廓宽度选定 %(k)s 类（轮廓宽度 %(s)s）；长三角办指定的分类保留。"
                                    "下次运行时生效。") % {"k": int(best["k"]), "s": f"{best['silhouette']:.2f}"})
    return redirect(reverse("assessment:scheme", args=[scheme.code]) + "#peers")


@require_POST
def publish(request, pk: int):
    """公开 or 撤回 a run (action=publish|withdraw)."""
    run = get_object_or_404(Run.objects.select_related("scheme"), pk=pk)
    refused = _require_office(request, reverse("assessment:run", args=[pk]))
    if refused:
        return refused
    publish_it = request.POST.get("action") != "withdraw"
    Run.objects.filter(pk=run.pk).update(is_published=publish_it)
    messages.success(request, (_("已公开考核运行 #%(id)s：公众现在可以看到其排名。") if publish_it
                               else _("已撤回考核运行 #%(id)s 的公开。")) % {"id": run.pk})
    back = request.POST.get("next")
    if back == "scheme":
        return redirect("assessment:scheme", code=run.scheme.code)
    return redirect("assessment:run", pk=run.pk)


# ------------------------------------------------------------------------------ /assessment/runs/<id>/


def note_texts(run: Run, names: dict[str, str], components: dict[str, str]) -> list[str]:
    """The run's notes (``services._notes``) in words."""
    texts = []
    for note in run.notes or []:
        kind = note.get("kind")
        if kind == "missing_component":
            units = note.get("units") or []
            shown = [names.get(u, u) for u in units[:8]]
            more = _("等 %(n)s 个单位") % {"n": len(units)} if len(units) > 8 else ""
            texts.append(_("%(n)s 个单位缺少“%(component)s”（%(units)s%(more)s）：其得分按其余考核内容的权重重新归一计算，"
                           "缺少的内容不以 0 计。") % {"n": len(units), "component": components.get(note.get("component"),
                                                                                    note.get("component")),
                                                 "units": listing(shown), "more": more})
        elif kind == "small_group":
            texts.append(_("%(group)s只有 %(n)s 个有得分的单位：类内排名与类内等次的意义有限。")
                         % {"group": group_label(note.get("group", "")), "n": note.get("n")})
        elif kind == "failed_runs":
            texts.append(_("%(n)s 次不确定性模拟无法计算，未计入排名区间（%(reasons)s）。")
                         % {"n": note.get("n"), "reasons": listing(note.get("reasons") or [])})
    return texts


def ranking_rows(run: Run, user) -> list[dict]:
    results = list(run.results.select_related("region", "organisation").order_by("rank", "region__code",
                                                                                 "organisation__code"))
    names = {r.unit.code: localized(r.unit) for r in results}
    components = component_names(run.definition)
    rows = []
    for r in results:
        scored = r.score is not None
        swap = None
        if r.swaps_with and r.swap_share is not None:
            swap = _("与%(unit)s的先后在 %(share)s%% 的模拟中互换，次序无实质意义") % {
                "unit": names.get(r.swaps_with, r.swaps_with), "share": f"{100 * r.swap_share:.0f}"}
        rows.append({
            "result": r, "code": r.unit.code, "name": names[r.unit.code], "scored": scored,
            "group": r.peer_group, "group_label": group_label(r.peer_group), "score": r.score,
            "rank": rank_text(r.rank), "interval": interval_text(r.q05_rank, r.q95_rank),
            "group_rank": rank_text(r.group_rank), "group_interval": interval_text(r.group_q05_rank, r.group_q95_rank),
            "grade": r.grade, "grade_key": GRADE_KEYS.get(r.grade, "none"),
            "grade_label": str(GRADE_LABELS[r.grade]) if r.grade in GRADE_LABELS else "",
            "bonus": r.bonus, "missing": listing(components.get(c.strip(), c.strip()) for c in r.missing.split(",")
                                                 if c.strip()),
            "swap": swap,
            "url": reverse("assessment:scorecard", args=[run.pk, r.unit.code])
            if may_see_scorecard(user, run, r.unit) else None,
        })
    return rows


def _tip(text: str) -> dict:
    return {"formatter": escape(text)}


def interval_chart(rows: list[dict], n_units: int) -> dict | None:
    """Each scored unit's 5–95 % rank interval (a box) and its rank (a dot), rank 1 on top —
    the indices pages' error-bar chart."""
    shown = [r for r in rows if r["scored"] and r["result"].q05_rank is not None]
    if not shown:
        return None
    band_items, dots, names = [], [], []
    for r in shown:
        res = r["result"]
        text = _("%(name)s：排名 %(rank)s，5–95%% 区间 %(low)s–%(high)s，得分 %(score)s") % {
            "name": r["name"], "rank": r["rank"], "low": rank_text(res.q05_rank), "high": rank_text(res.q95_rank),
            "score": f"{res.score:.2f}"}
        names.append(r["name"])
        band_items.append({"value": [res.q05_rank, res.q05_rank, res.rank, res.q95_rank, res.q95_rank],
                           "tooltip": _tip(text)})
        dots.append({"value": [res.rank, r["name"]], "tooltip": _tip(text),
                     "itemStyle": {"color": GRADE_COLOURS.get(res.grade, "#8a94a3")}})
    return {
        "animation": False,
        "tooltip": {"trigger": "item"},
        "legend": {"top": 0, "data": [_("5–95% 排名区间"), _("排名（点色为等次）")]},
        "grid": {"left": label_width(names), "right": 24, "top": 32, "bottom": 36},
        "xAxis": {"type": "value", "min": 0, "max": n_units + 1, "name": _("排名（1 为最好）"), "nameLocation": "middle",
                  "nameGap": 24, "minInterval": 1, "axisLabel": {"showMinLabel": False, "showMaxLabel": False}},
        "yAxis": {"type": "category", "data": names, "inverse": True, "axisLabel": {"interval": 0, "fontSize": 11}},
        "series": [
            {"name": _("5–95% 排名区间"), "type": "boxplot", "data": band_items, "boxWidth": [3, 9],
             "itemStyle": {"color": "#cfe0f5", "borderColor": "#1d4e89"}},
            {"name": _("排名（点色为等次）"), "type": "scatter", "data": dots, "symbolSize": 8, "z": 3,
             "itemStyle": {"color": "#1f2933"}},
        ],
    }


def grade_map(rows: list[dict]) -> dict | None:
    """The grades on the map of the 41 cities (schematic), as the overview's choropleth draws
    it; a click opens the unit's scorecard where the user may see it."""
    graded = [r for r in rows if r["grade"] in GRADE_KEYS]
    codes = [r["code"] for r in graded]
    if not graded or any(r["result"].region_id is None for r in graded) \
            or Region.objects.filter(groups__code="yrd41", code__in=codes).count() != len(codes):
        return None  # the boundaries are the 41 cities'
    value_of = {g: len(GRADES) - i for i, g in enumerate(GRADES)}  # 优秀 highest: on top of the legend
    chinese = {r["code"]: r["result"].region.name_zh for r in graded}
    data = []
    for r in graded:
        text = _("%(name)s：%(grade)s（得分 %(score)s，排名 %(rank)s，区间 %(interval)s）") % {
            "name": r["name"], "grade": r["grade_label"], "score": f"{r['score']:.2f}", "rank": r["rank"],
            "interval": r["interval"]}
        item = {"name": r["name"] if english() else chinese[r["code"]], "value": value_of[r["grade"]],
                "tooltip": _tip(text)}
        if r["url"]:
            item["url"] = r["url"]
        data.append(item)
    series = {"type": "map", "name": _("等次"), "roam": False, "data": data, "selectedMode": False,
              "emphasis": {"label": {"show": True}},
              "itemStyle": {"borderColor": "#fff", "borderWidth": 0.6, "areaColor": "#eceff3"}}
    if english():
        series["nameMap"] = {chinese[r["code"]]: r["name"] for r in graded}
    return {
        "animation": False,
        "tooltip": {"trigger": "item"},
        "visualMap": {"type": "piecewise", "left": 8, "bottom": 8, "orient": "vertical",
                      "pieces": [{"value": value_of[g], "label": str(GRADE_LABELS[g]), "color": GRADE_COLOURS[g]}
                                 for g in GRADES]},
        "series": [series],
    }


EXPORT_COLUMNS = [  # key → heading: the table as shown
    ("unit_code", _l("区划代码")), ("unit_name", _l("单位")), ("peer_group", _l("类别")), ("score", _l("得分")),
    ("rank", _l("排名")), ("q05_rank", _l("排名区间下限（5%）")), ("q95_rank", _l("排名区间上限（95%）")),
    ("group_rank", _l("类内排名")), ("group_q05_rank", _l("类内排名区间下限（5%）")),
    ("group_q95_rank", _l("类内排名区间上限（95%）")), ("grade", _l("等次")), ("bonus", _l("加减分")),
    ("missing", _l("缺失内容")), ("note", _l("说明")),
]


def _export_row(row: dict) -> list:
    r = row["result"]
    values = {"unit_code": row["code"], "unit_name": row["name"], "peer_group": r.peer_group, "score": r.score,
              "rank": r.rank, "q05_rank": r.q05_rank, "q95_rank": r.q95_rank, "group_rank": r.group_rank,
              "group_q05_rank": r.group_q05_rank, "group_q95_rank": r.group_q95_rank, "grade": row["grade_label"],
              "bonus": r.bonus, "missing": row["missing"], "note": row["swap"] or ""}
    return ["" if values[key] is None else values[key] for key, _label in EXPORT_COLUMNS]


@require_GET
def run(request, pk: int):
    """A run's ranking: rank with its interval, score, grade, group rank with its interval,
    bonus, missing components, the swap notes; the chart, the map; ?group= filters, ?format=
    exports the table as shown."""
    run = get_object_or_404(visible_runs(request.user), pk=pk)
    rows = ranking_rows(run, request.user)
    groups = sorted({r["group"] for r in rows}, key=lambda g: (not g.isdigit(), int(g) if g.isdigit() else 0, g))
    chosen = request.GET.get("group") or ""
    if chosen and chosen not in groups:
        raise Http404("unknown group")
    shown = [r for r in rows if r["group"] == chosen] if chosen else rows
    if chosen:
        shown = sorted(shown, key=lambda r: (r["result"].group_rank is None, r["result"].group_rank or 0, r["code"]))
    fmt = request.GET.get("format")
    if fmt:
        if fmt not in EXPORT_FORMATS:
            return HttpResponseBadRequest(_("未知的导出格式：请用 csv 或 xlsx。").encode())
        name = f"assessment-{run.scheme.code}-{run.year}-run{run.pk}" + (f"-group{chosen}" if chosen else "")
        return table_response([str(label) for _key, label in EXPORT_COLUMNS], [_export_row(r) for r in shown], fmt,
                              name, _("考核结果"))
    names = {r["code"]: r["name"] for r in rows}
    query = {"group": chosen} if chosen else {}
    grade_counts = [{"grade": g, "key": GRADE_KEYS[g], "label": GRADE_LABELS[g],
                     "n": sum(1 for r in shown if r["grade"] == g)} for g in GRADES]
    context = {
        "run": run, "scheme": run.scheme, "scheme_name": localized(run.scheme), "rows": shown, "total": len(rows),
        "groups": [(g, group_label(g)) for g in groups], "group": chosen, "group_name": group_label(chosen) if chosen
        else "", "notes": note_texts(run, names, component_names(run.definition)),
        "chart": interval_chart(shown, len(shown)), "map": grade_map(rows),
        "csv_url": "?" + urlencode({**query, "format": "csv"}), "xlsx_url": "?" + urlencode({**query, "format": "xlsx"}),
        "grades": grade_counts, "is_office": is_office(request.user), "swap_share": f"{100 * SWAP_SHARE:.0f}",
        "unscored": sum(1 for r in shown if not r["scored"])
    }
    return render(request, "assessment/run.html", context)


# ------------------------------------------------------------------------------ scorecard


def gap_rows(scheme: Scheme, region: Region, year: int) -> list[dict]:
    """``services.benchmark`` per benchmark unit, the largest gaps behind first, in words
    (none for a department: benchmarking compares indicators, which are the regions')."""
    if scheme.assesses_departments:
        return []
    gaps = services.benchmark(scheme, region.code, year)
    if gaps.empty:
        return []
    names = {r.code: localized(r) for r in Region.objects.filter(code__in=gaps["benchmark"].unique().tolist())}
    out = []
    for row in gaps.to_dict("records"):
        years = row["years_to_close"]
        if not row["behind"]:
            closing = _("已领先")
        elif math.isinf(years):
            closing = _("按近年趋势无法赶上")
        else:
            closing = _("%(n)s 年") % {"n": f"{years:.1f}"}
        out.append({**row, "benchmark_name": names.get(row["benchmark"], row["benchmark"]),
                    "indicator_label": (row["indicator_name_en"] or row["indicator_name"]) if english()
                    else row["indicator_name"], "closing": closing,
                    "relative": None if row["relative_gap"] is None or math.isnan(row["relative_gap"])
                    else 100 * row["relative_gap"],
                    "growth_pct": None if row["growth"] is None or math.isnan(row["growth"]) else 100 * row["growth"]})
    return out


def _grouped(rows: list[dict]) -> list[dict]:
    out = {}
    for row in rows:
        out.setdefault(row["benchmark"], {"name": row["benchmark_name"], "code": row["benchmark"], "rows": []})
        out[row["benchmark"]]["rows"].append(row)
    return list(out.values())


def number(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:,.4g}" if abs(value) < 1 else f"{value:,.2f}".rstrip("0").rstrip(".")


def unit_work(scheme: Scheme, unit, user):
    """The unit's assignments in the ledger the user may see: a department's own, a region's
    organisations'."""
    from deltawatch.plans.models import Assignment

    own = Assignment.objects.filter(unit=unit) if scheme.assesses_departments else \
        Assignment.objects.filter(unit__region=unit)
    tasks = list(restrict(own, user, "view").select_related("task", "unit").order_by("due_date", "task__code"))
    for a in tasks:
        a.unit_label = localized(a.unit)
    return tasks


def unit_targets(scheme: Scheme, unit):
    """The region's assessed targets and how many of its series have none (a department: none)."""
    from deltawatch.progress.models import ProgressAssessment

    if scheme.assesses_departments:
        return [], 0
    progress = list(ProgressAssessment.objects.filter(region=unit, target__isnull=False)
                    .select_related("indicator", "target").order_by("indicator__code", "method"))
    for p in progress:
        p.indicator_label = localized(p.indicator)
    return progress, ProgressAssessment.objects.filter(region=unit, target__isnull=True).count()


@require_GET
def scorecard(request, pk: int, region_code: str):
    """A unit's scorecard in a run: components as coloured cells (the legend set), score, rank
    with its interval, grade, bonus items; its targets, its tasks, its gaps to its benchmark
    units, its history of ranks across the scheme's runs. A published run's scorecards are
    public, as its ranking is."""
    run = get_object_or_404(visible_runs(request.user), pk=pk)
    if not may_see_scorecard(request.user, run, None):
        return redirect_to_login(request.get_full_path())
    scheme = run.scheme
    field = scheme.unit_field
    region = scheme.unit_lookup(region_code)
    if region is None:
        raise Http404(_("考核方案中没有这个单位。"))
    result = get_object_or_404(Result.objects.select_related(field), run=run, **{field: region})
    names = component_names(run.definition)
    weights = {c.get("code"): c.get("weight") for c in run.definition.get("components") or []}
    cells = []
    for code, value in result.components.items():
        key, label = band(value)
        cells.append({"code": code, "name": names.get(code, code), "value": value, "band": key, "band_label": label,
                      "weight": weights.get(code)})
    score_band = band(result.score)
    adjustments = list(Adjustment.objects.filter(scheme=scheme, year=run.year, **{field: region})
                       .select_related("entered_by").order_by("id"))
    progress, untargeted = unit_targets(scheme, region)
    tasks = unit_work(scheme, region, request.user)
    history = []
    for other in (Result.objects.filter(run__scheme=scheme, **{field: region}, run__in=visible_runs(request.user))
                  .select_related("run").order_by("-run__created_at", "-run_id")):
        history.append({"run": other.run, "score": other.score, "rank": rank_text(other.rank),
                        "interval": interval_text(other.q05_rank, other.q95_rank), "grade": other.grade,
                        "grade_key": GRADE_KEYS.get(other.grade, "none"),
                        "grade_label": GRADE_LABELS.get(other.grade, ""), "current": other.run_id == run.pk,
                        "url": reverse("assessment:scorecard", args=[other.run_id, region.code])})
    gaps = gap_rows(scheme, region, run.year)
    behind = sorted([g for g in gaps if g["behind"] and g["relative"] is not None],
                    key=lambda g: -abs(g["relative"]))[:5]
    largest = listing((f"{g['indicator_label']} ({g['benchmark_name']}, {g['relative']:.1f}%)" if english() else
                       f"{g['indicator_label']}（{g['benchmark_name']}，{g['relative']:.1f}%）") for g in behind)
    swap_name = ""
    if result.swaps_with:
        other = scheme.unit_lookup(result.swaps_with)
        swap_name = localized(other) if other else result.swaps_with
    context = {
        "run": run, "scheme": scheme, "scheme_name": localized(scheme), "region": region, "unit_name": localized(region),
        "result": result, "cells": cells, "score_band": score_band[0], "score_band_label": score_band[1],
        "rank": rank_text(result.rank), "interval": interval_text(result.q05_rank, result.q95_rank),
        "group_rank": rank_text(result.group_rank),
        "group_interval": interval_text(result.group_q05_rank, result.group_q95_rank),
        "group_label": group_label(result.peer_group), "n_units": run.results.filter(score__isnull=False).count(),
        "n_group": run.results.filter(peer_group=result.peer_group, score__isnull=False).count(),
        "grade_key": GRADE_KEYS.get(result.grade, "none"), "grade_label": GRADE_LABELS.get(result.grade, ""),
        "missing": listing(names.get(c.strip(), c.strip()) for c in result.missing.split(",") if c.strip()),
        "swap": (_("与%(unit)s的先后在 %(share)s%% 的模拟中互换，次序无实质意义")
                 % {"unit": swap_name, "share": f"{100 * result.swap_share:.0f}"})
        if result.swaps_with and result.swap_share is not None else "",
        "legend": [{"key": key, "label": label, "range": f"{low:g}–{min(high, 100):g}"} for low, high, key, label in LEGEND],
        "adjustments": adjustments, "progress": progress, "untargeted": untargeted, "tasks": tasks,
        "gaps": _grouped(gaps), "largest": largest, "history": history, "number": number,
        "is_office": is_office(request.user),
    }
    for g in gaps:
        for key in ("unit_value", "benchmark_value"):
            g[key + "_text"] = number(g[key])
        g["gap_text"] = ("+" if g["gap"] > 0 else "") + number(g["gap"])
    return render(request, "assessment/scorecard.html", context)
