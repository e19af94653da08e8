"""The demonstration assessment (示例) that ``deltawatch init`` loads: a scheme for the 41 cities —
the level of their indicators (the shipped 41-city index, 2017: the last year of its CO2 data),
the progress of their own series as it stood in 2017, and how their own governments carry out
the ledger's demonstration tasks (Jiangsu's 13 cities have some; the others lack the component,
which the run says) — with peer groups made by clustering, and Anhui's 16 cities benchmarked
against the 25 cities of Shanghai, Jiangsu and Zhejiang (each against its three nearest better
performers of the run). The scheme is invented for demonstration; the data it reads are real,
the tasks are the ledger's 示例. Loading again changes nothing.
"""

from __future__ import annotations

from django.db import transaction

from .models import Scheme

CODE = "yrd41-demo"
YEAR = 2017
CLUSTER_INDICATORS = ["gdp_per_capita", "co2_per_gdp"]  # development level and carbon intensity: all 41 have them
DEFINITION = {
    "components": [
        {"code": "level", "kind": "index", "spec": "yrd_hqd", "weight": 0.5, "name_zh": "指标水平",
         "name_en": "Indicator level"},
        {"code": "progress", "kind": "progress", "weight": 0.3, "name_zh": "目标进展", "name_en": "Progress"},
        {"code": "tasks", "kind": "tasks", "weight": 0.2, "name_zh": "任务落实", "name_en": "Task performance"},
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
                        "任务落实取自任务清单中标“示例”的演示任务。")
        services.cluster_scheme(scheme, indicators=CLUSTER_INDICATORS, year=YEAR, k_range=(2, 5))
        run = services.run_scheme(scheme, user=user)
        anhui = list(scheme.units().filter(parent__code="340000").values_list("code", flat=True))
        others = list(scheme.units().exclude(code__in=anhui).values_list("code", flat=True))
        services.choose_benchmarks(scheme, run, anhui, others, n=3)
    return True
