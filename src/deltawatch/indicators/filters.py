"""The one filter definition of the indicator catalogue: the list page and its export read it
(django-filter, NetBox's habit), and so will the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from deltawatch.accounts.scoping import restrict

from .choices import Direction
from .models import Dimension, Indicator


def visible_dimensions(request):
    return restrict(Dimension.objects.all(), request.user) if request is not None else Dimension.objects.none()


class IndicatorFilter(django_filters.FilterSet):
    """Filter by area (领域), direction and whether a target exists; search code and names;
    sort on any column (``sort``, a minus sign for descending). The queryset must carry the
    ``n_targets`` and ``latest_year`` annotations of ``services.catalogue_queryset``."""

    q = django_filters.CharFilter(method="search", label=_("搜索 (代码或名称)"))
    dimension = django_filters.ModelChoiceFilter(
        queryset=visible_dimensions, to_field_name="code", label=_("领域"), empty_label=_("全部领域"))
    direction = django_filters.ChoiceFilter(choices=[(str(value), label) for value, label in Direction.choices],
                                            label=_("指标方向"), empty_label=_("全部"))
    targeted = django_filters.ChoiceFilter(method="with_targets", label=_("规划目标"), empty_label=_("全部"),
                                           choices=[("yes", _("有目标")), ("no", _("无目标"))])
    sort = django_filters.OrderingFilter(
        fields=(("dimension__order", "dimension"), ("code", "code"), ("name_zh", "name"), ("unit", "unit"),
                ("direction", "direction"), ("n_targets", "targets"), ("latest_year", "latest")),
        label=_("排序"))

    class Meta:
        model = Indicator
        fields = []

    def search(self, queryset, name, value):
        words = value.split()
        for word in words:
            queryset = queryset.filter(Q(code__icontains=word) | Q(name_zh__icontains=word) |
                                       Q(name_en__icontains=word))
        return queryset

    def with_targets(self, queryset, name, value):
        return queryset.filter(n_targets__gt=0) if value == "yes" else queryset.filter(n_targets=0)

    def filter_queryset(self, queryset):
        """Filtered, then in the catalogue's order (area, code) unless a sort was asked for."""
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("sort"):
            return queryset.order_by("dimension__order", "code")
        return queryset.order_by(*queryset.query.order_by, "code")  # ties in a stable order
