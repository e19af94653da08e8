"""The demonstration assessment (示例) that ``deltawatch init`` loads: a scheme for the 41 cities —
the level of their indicators (the shipped 41-city index, 2017: the last year of its CO2 data),
the progress of their own series as it stood in 2017, and how their own governments carry out
the ledger's demonstration tasks as they stand today (the demonstration ledger has no past
years; Jiangsu's 13 cities have tasks, the others lack the component, which the run says) —
with peer groups made by clustering, and Anhui's 16 cities benchmarked against the 25 cities of
Shanghai, Jiangsu and Zhejiang (each against its three nearest better performers of the run);
and a scheme of the provincial departments that hold demonstration tasks, on their task
performance alone, in two peer groups set by the office. The schemes are invented for
demonstration; the data they read are real, the tasks are the ledger's 示例. Loading again
changes nothing.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from .models import PeerGroup, Scheme, UnitKind

CODE = "yrd41-demo"
YEAR = 2017
CLUSTER_INDICATORS = ["gdp_per_capita", "co2_per_gdp"]  # development level and carbon intensity: all 41 have them
DEFINITION = {
    "components": [
        {"code": "level", "kind": "index", "spec": "yrd_hqd", "weight": 0.5, "name_zh": "指标水平",
         "name_en": "Indicator level"},
        {"code": "progress", "kind": "progress", "weight": 0.3, "name_zh": "目标进展", "name_en": "Progress"},
        {"code": "tasks", "kind": "tasks", "weight": 0.2, "name_zh": "任务落实", "name_en": "Task performance",
         "year": "current"},
    ],
    "min_share": 0.5,
    "grading": {"shares": {"优秀": 0.2, "良好": 0.3, "一般": 0.4}, "within": "group"},
    "runs": 1000,
    "seed": 20171231,
    "peer_grouping": {"method": "ward", "indicators": CLUSTER_INDICATORS, "k_range": [2, 5], "year": YEAR},
}


def load_assessment_default(user=None) -> bool:
    """The demonstration scheme, its peer groups, a first run and the benchmark pairs; False when
    it is there already or the database lacks the 41 cities."""
    from deltawatch.regions.models import RegionGroup

    from . import services

    from deltawatch.observations.models import Observation

    group = RegionGroup.objects.filter(code="yrd41").first()
    if Scheme.objects.filter(code=CODE).exists() or group is None:
        return False
    if not Observation.objects.filter(region__groups=group, year=YEAR, indicator__code__in=CLUSTER_INDICATORS).exists():
        return False  # `init --no-data`: nothing to assess (a later init with the data loads it)
    with transaction.atomic():
        scheme = Scheme.objects.create(
            code=CODE, name_zh="示例：长三角41城高质量发展年度考核", name_en="Demonstration: annual assessment of the 41 YRD cities",
            group=group, level="", year=YEAR, definition=DEFINITION, is_sample=True,
            description="演示方案（示例）：权重、分类和等次比例均为演示设定，不代表任何官方考核；指标水平与目标进展取自系统内置的真实数据，"
                        "任务落实取自任务清单中标“示例”的演示任务（截至运行之日）。",
            description_en="Demonstration scheme: weights, groups and grade shares are set for demonstration and are "
                           "no official assessment; indicator level and progress come from the real data built in, "
                           "task performance from the ledger's demonstration tasks (as they stand on the day of the run).")
        services.cluster_scheme(scheme, indicators=CLUSTER_INDICATORS, year=YEAR, k_range=(2, 5))
        run = services.run_scheme(scheme, user=user)
        anhui = list(scheme.units().filter(parent__code="340000").values_list("code", flat=True))
        others = list(scheme.units().exclude(code__in=anhui).values_list("code", flat=True))
        services.choose_benchmarks(scheme, run, anhui, others, n=3)
        load_department_default(group, user)
    return True


DEPARTMENTS_CODE = "yrd-departments-demo"
# the office's own grouping (分类考核): departments leading economic work and those leading public services
DEPARTMENT_GROUPS = {"经济发展类": ["js-drc", "js-gxt", "js-jtt", "js-kjt", "js-swt", "js-nynct", "js-slt"],
                     "社会民生类": ["js-jyt", "js-rst", "js-sthjt", "js-wjw", "js-wlt"]}
DEPARTMENT_DEFINITION = {
    # the parts of the task score as components, so that their weights are the uncertain choice
    "components": [
        {"code": "on_time", "kind": "tasks", "part": "on_time_rate", "weight": 0.4, "name_zh": "按期完成率",
         "name_en": "On-time rate", "year": "current"},
        {"code": "first_pass", "kind": "tasks", "part": "first_pass_rate", "weight": 0.2, "name_zh": "一次通过复核率",
         "name_en": "Passed review at first request", "year": "current"},
        {"code": "completion", "kind": "tasks", "part": "progress_share", "weight": 0.4, "name_zh": "完成进度",
         "name_en": "Completion", "year": "current"},
    ],
    "min_share": 0.3,
    "grading": {"cutoffs": {"优秀": 80, "良好": 60, "一般": 30}},
    "runs": 1000,
    "seed": 20261231,
}


def load_department_default(group, user=None) -> Scheme | None:
    """The demonstration scheme of departments (示例): Jiangsu's departments that hold
    demonstration tasks, in the office's two peer groups, with a first run."""
    from . import services

    yrd = group.__class__.objects.filter(code="yrd").first()
    if yrd is None or Scheme.objects.filter(code=DEPARTMENTS_CODE).exists():
        return None
    scheme = Scheme.objects.create(
        code=DEPARTMENTS_CODE, name_zh="示例：江苏省级部门长三角任务落实考核",
        name_en="Demonstration: Jiangsu departments' delivery of YRD tasks", group=yrd, unit_kind=UnitKind.DEPARTMENT,
        year=timezone.localdate().year, definition=DEPARTMENT_DEFINITION, is_sample=True,
        description="演示方案（示例）：按任务清单中标“示例”的演示任务考核省级部门的按期完成率、一次通过复核率和完成进度，"
                    "分类由长三角办指定；不代表任何官方考核。",
        description_en="Demonstration scheme: provincial departments assessed on the ledger's demonstration tasks — "
                       "on-time rate, first-pass review rate and completion — in groups set by the office; "
                       "no official assessment.")
    units = {u.code: u for u in scheme.units()}
    PeerGroup.objects.bulk_create([PeerGroup(scheme=scheme, organisation=units[code], label=label)
                                   for label, codes in DEPARTMENT_GROUPS.items() for code in codes if code in units])
    if units:
        services.run_scheme(scheme, user=user)
    return scheme
