"""The plan tree's filters (unit, region, light, category) — one definition serves the page and
its download (django-filter, as the progress pages). A value not among the choices makes that
field invalid: the filter is left out and the page says so (``progress.filters.ignored_filters``)."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import services
from .choices import Light, TaskCategory

SUBMIT_ON_CHANGE = {"data-submit-on-change": "1"}


def unit_choices():
    from deltawatch.accounts.models import Organisation

    rows = Organisation.objects.filter(assignments__isnull=False).distinct().order_by("kind", "code")
    return [(o.code, o.name_zh) for o in rows]


def region_choices():
    from deltawatch.regions.models import Region

    rows = Region.objects.filter(tasks__isnull=False).distinct().order_by("code")
    return [(r.code, r.name_zh) for r in rows]


class TaskFilterSet(django_filters.FilterSet):
    unit = django_filters.ChoiceFilter(label=_("承办单位"), choices=unit_choices, method="of_unit",
                                       empty_label=_("全部单位"), widget=forms.Select(attrs=SUBMIT_ON_CHANGE))
    region = django_filters.ChoiceFilter(label=_("涉及区域"), choices=region_choices, method="in_region",
                                         empty_label=_("全部区域"), widget=forms.Select(attrs=SUBMIT_ON_CHANGE))
    light = django_filters.ChoiceFilter(label=_("灯"), choices=Light.choices, method="with_light",
                                        empty_label=_("全部"), widget=forms.Select(attrs=SUBMIT_ON_CHANGE))
    category = django_filters.ChoiceFilter(label=_("类别"), field_name="category", choices=TaskCategory.choices,
                                           empty_label=_("全部类别"), widget=forms.Select(attrs=SUBMIT_ON_CHANGE))

    def of_unit(self, queryset, name, value):
        """Tasks the unit leads or takes part in."""
        return queryset.filter(assignments__unit__code=value).distinct()

    def in_region(self, queryset, name, value):
        return queryset.filter(regions__code=value).distinct()

    def with_light(self, queryset, name, value):
        """The task's light by the rule of services.light_case, on its own due date and status."""
        today = timezone.localdate()
        return queryset.alias(task_light=services.light_case(today, services.warn_boundary(today), state="status")
                              ).filter(task_light=value)
