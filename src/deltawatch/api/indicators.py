"""Indicators and targets: public, as on /indicators/."""

from __future__ import annotations

from ninja import Query, Router

from deltawatch.indicators.models import Indicator, Target

from .core import READ_ERRORS, get_or_404, page, scoped, versioned
from .schemas import DEFAULT_PAGE, MAX_PAGE, IndicatorOut, IndicatorPage, TargetPage

router = Router(tags=["indicators 指标"])
Limit = Query(DEFAULT_PAGE, ge=1, le=MAX_PAGE)
Offset = Query(0, ge=0)


def indicator_out(indicator: Indicator) -> dict:
    return {"code": indicator.code, "name_zh": indicator.name_zh, "name_en": indicator.name_en,
            "unit": indicator.unit, "direction": indicator.direction, "dimension": indicator.dimension.code,
            "lower_bound": indicator.lower_bound, "upper_bound": indicator.upper_bound, "is_rate": indicator.is_rate,
            "formula": indicator.formula, "definition_zh": indicator.definition_zh,
            "definition_en": indicator.definition_en, "source": indicator.source}


def target_out(target: Target) -> dict:
    return {"id": target.pk, "indicator": target.indicator.code,
            "region": target.region.code if target.region_id else None,
            "group": target.group.code if target.group_id else None, "target_year": target.target_year,
            "comparator": target.comparator, "value": target.value, "low": target.low, "high": target.high,
            "tolerance": target.tolerance, "value_text": target.value_text, "is_numeric": target.is_numeric,
            "binding": target.binding, "change_type": target.change_type, "baseline_year": target.baseline_year,
            "document": target.document, "location": target.location, "sentence": target.sentence}


@router.get("/indicators", response={200: IndicatorPage, **READ_ERRORS}, summary="指标目录 the catalogue")
@versioned
def list_indicators(request, dimension: str | None = None, limit: int = Limit, offset: int = Offset):
    indicators = scoped(request, Indicator.objects.select_related("dimension")).order_by("code")
    if dimension:
        indicators = indicators.filter(dimension__code=dimension)
    return page(indicators, limit, offset, indicator_out)


@router.get("/indicators/{code}", response={200: IndicatorOut, **READ_ERRORS}, summary="一个指标 an indicator")
@versioned
def get_indicator(request, code: str):
    return indicator_out(get_or_404(scoped(request, Indicator.objects.select_related("dimension")), code=code))


@router.get("/targets", response={200: TargetPage, **READ_ERRORS}, summary="目标 targets")
@versioned
def list_targets(request, indicator: str | None = None, region: str | None = None, target_year: int | None = None,
                 limit: int = Limit, offset: int = Offset):
    targets = scoped(request, Target.objects.select_related("indicator", "region", "group")).order_by("id")
    if indicator:
        targets = targets.filter(indicator__code=indicator)
    if region:
        targets = targets.filter(region__code=region)
    if target_year is not None:
        targets = targets.filter(target_year=target_year)
    return page(targets, limit, offset, target_out)
