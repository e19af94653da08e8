"""The disparity panel of /regional/: CV, Theil and Gini with the between/within-province parts,
σ and β convergence, Moran's I — the page's own analysis (``regional.views.analysis``), over the
values the caller may see, cached by data version as the page caches it."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.errors import HttpError

from .auth import caller_user
from .core import READ_ERRORS, versioned

router = Router(tags=["regional 区域差距"])


@router.get("/regional/indicators", response={200: list[dict[str, str]], **READ_ERRORS},
            summary="可分析的指标 indicators with a 41-city panel")
@versioned
def list_panel_indicators(request):
    from deltawatch.regional.views import indicator_choices

    return [{"code": code, "label": str(label)} for code, label in indicator_choices(caller_user(request))]


@router.get("/regional/disparity", response={200: dict[str, Any], **READ_ERRORS},
            summary="差距与收敛 disparity, convergence and Moran's I of the 41 cities")
@versioned
def disparity(request, indicator: str = Query("gdp_per_capita"), first: int | None = Query(None, ge=1949, le=2100),
              last: int | None = Query(None, ge=1949, le=2100), weight: str = Query("population",
                                                                                   pattern="^(population|none)$")):
    from deltawatch.regional.views import analysis, indicator_choices

    user = caller_user(request)
    if indicator not in dict(indicator_choices(user)):
        raise HttpError(404, _("没有这个指标（或它没有 41 城的数据）：%(value)s。") % {"value": indicator})
    if first and last and first > last:
        raise HttpError(422, _("截止年份应不早于起始年份"))
    result = analysis(user, indicator, first, last, weight == "population")
    result = {key: value for key, value in result.items() if key != "kde"}  # the page's density curves: drawing data
    return plain({"indicator": indicator, "weighted": weight == "population", **result})


def plain(value):
    """``value`` with numpy scalars as Python numbers, non-finite floats as None and keys as
    text: JSON, the same on every platform."""
    import math

    import numpy as np

    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
