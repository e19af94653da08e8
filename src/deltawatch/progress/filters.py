"""The filters of the progress pages — one definition serves the board, its export and later
the API (NetBox's habit, with django-filter).

Values that are not among the choices (an unknown method or area in a shared URL) make the
form invalid for that field only: django-filter then leaves that filter out, and the page says
which filter it ignored instead of failing.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from deltawatch.indicators.models import Dimension, Indicator, Target
from deltawatch.regions.models import Region, RegionGroup

from .choices import ProgressMethod, ProgressStatus
from .models import ProgressAssessment, StatusChange

DEFAULT_METHOD = ProgressMethod.OPENSDG.value
# The milestones of the plans (2025 outline, 2027 action plans, 2035 vision), always offered;
# any other target year stored is offered too.
PLAN_YEARS = (2025, 2027, 2035)
SUBMIT_ON_CHANGE = {"data-submit-on-change": "1"}


def _name(zh: str, en: str) -> str:
    return en if (get_language() or "").startswith("en") and en else zh


def area_choices() -> list[tuple[str, str]]:
    """The plan areas (dimensions) that have at least one target, in plan order."""
    rows = Dimension.objects.filter(indicators__targets__isnull=False).distinct().order_by("order", "code")
    return [(d.code, _name(d.name_zh, d.name_en)) for d in rows]


def target_year_choices() -> list[tuple[int, str]]:
    years = set(PLAN_YEARS) | set(Target.objects.values_list("target_year", flat=True))
    return [(str(year), str(year)) for year in sorted(years)]


def scope_choices(region_codes=(), group_codes=()) -> list[tuple[str, str]]:
    """Regions and groups that have targets (and any others named), groups first: the columns
    of the board. Region codes are digits and group codes are slugs, so one parameter holds
    either."""
    groups = RegionGroup.objects.filter(Q(targets__isnull=False) | Q(code__in=list(group_codes))).distinct()
    regions = Region.objects.filter(Q(targets__isnull=False) | Q(code__in=list(region_codes))).distinct()
    return ([(g.code, _name(g.name_zh, g.name_en)) for g in groups.order_by("code")]
            + [(r.code, _name(r.name_zh, r.name_en)) for r in regions.order_by("code")])


def _in_scope(queryset, code):
    """Assessments (or changes) of the region or the group ``code``."""
    return queryset.filter(Q(region__code=code) | Q(group__code=code)) if code else queryset


class MethodFilterMixin(django_filters.FilterSet):
    """The method is always one method (the stored assessments of methods are never mixed):
    the view applies it; here it is only validated and shown in the form."""

    method = django_filters.ChoiceFilter(label=_("评估方法"), choices=ProgressMethod.choices, method="keep_all",
                                         empty_label=None, widget=forms.Select(attrs=SUBMIT_ON_CHANGE))

    def keep_all(self, queryset, name, value):
        return queryset

    def chosen_method(self) -> str:
        """The method asked for, or the default when none (or an unknown one) was asked."""
        self.errors  # validate first  # noqa: B018
        return self.form.cleaned_data.get("method") or DEFAULT_METHOD


class BoardFilterSet(MethodFilterMixin):
    """The progress board's filters: area, target year, method, region or group, status."""

    area = django_filters.ChoiceFilter(label=_("领域"), field_name="indicator__dimension__code", choices=area_choices,
                                       empty_label=_("全部领域"), widget=forms.Select(attrs=SUBMIT_ON_CHANGE))
    target_year = django_filters.ChoiceFilter(
        label=_("目标年份"), field_name="target_year", choices=target_year_choices,
        empty_label=_("全部年份"), widget=forms.Select(attrs=SUBMIT_ON_CHANGE))
    region = django_filters.ChoiceFilter(label=_("地区或区域组"), choices=scope_choices, method="in_scope",
                                         empty_label=_("全部地区"), widget=forms.Select(attrs=SUBMIT_ON_CHANGE))
    status = django_filters.ChoiceFilter(label=_("进展状态"), field_name="status", choices=ProgressStatus.choices,
                                         empty_label=_("全部状态"), widget=forms.Select(attrs=SUBMIT_ON_CHANGE))

    class Meta:
        model = ProgressAssessment
        fields = ["area", "target_year", "method", "region", "status"]

    def in_scope(self, queryset, name, value):
        return _in_scope(queryset, value)


def _change_indicator_choices() -> list[tuple[str, str]]:
    codes = set(StatusChange.objects.values_list("indicator__code", flat=True)) | \
        set(Target.objects.values_list("indicator__code", flat=True))
    rows = Indicator.objects.filter(code__in=codes).order_by("dimension__order", "code")
    return [(i.code, _name(i.name_zh, i.name_en)) for i in rows]


def _change_scope_choices() -> list[tuple[str, str]]:
    regions = StatusChange.objects.filter(region__isnull=False).values_list("region__code", flat=True).distinct()
    groups = StatusChange.objects.filter(group__isnull=False).values_list("group__code", flat=True).distinct()
    return scope_choices(list(regions), list(groups))


class ChangeFilterSet(django_filters.FilterSet):
    """The status-change log's filters: method, indicator, region or group."""

    method = django_filters.ChoiceFilter(label=_("评估方法"), choices=ProgressMethod.choices, field_name="method",
                                         empty_label=_("全部方法"), widget=forms.Select(attrs=SUBMIT_ON_CHANGE))
    indicator = django_filters.ChoiceFilter(label=_("指标"), field_name="indicator__code",
                                            choices=_change_indicator_choices, empty_label=_("全部指标"),
                                            widget=forms.Select(attrs=SUBMIT_ON_CHANGE))
    region = django_filters.ChoiceFilter(label=_("地区或区域组"), choices=_change_scope_choices, method="in_scope",
                                         empty_label=_("全部地区"), widget=forms.Select(attrs=SUBMIT_ON_CHANGE))

    class Meta:
        model = StatusChange
        fields = ["method", "indicator", "region"]

    def in_scope(self, queryset, name, value):
        return _in_scope(queryset, value)


def ignored_filters(filterset) -> list[str]:
    """"领域 'xyz'" for each filter whose value was not understood (and so left out)."""
    filterset.errors  # noqa: B018
    return [f"{filterset.form.fields[name].label} “{str(filterset.data.get(name, ''))[:40]}”"
            for name in filterset.form.errors]
