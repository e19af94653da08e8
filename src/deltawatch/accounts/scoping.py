"""The one helper that scopes what a user may see or change: ``restrict(queryset, user, action)``.

Every view, export and API endpoint narrows its queryset through it (NetBox's habit): first the
action must be one the user's roles permit on the model (``roles.ROLE_PERMISSIONS``), then the
model's row rule, if it has one, keeps the rows that user may reach — a reporter changes only
the statistics of its own region and the regions below it; the public sees approved values and
published results only. A model without a rule and without a public rule is closed to the
public.
"""

from __future__ import annotations

from typing import Callable

from django.db.models import Q, QuerySet

from .roles import roles_of

# model label → rule(queryset, user, action) → queryset, for signed-in users with the permission
ROW_RULES: dict[str, Callable] = {}
# model label → rule(queryset) → queryset, what anonymous visitors may view
PUBLIC_RULES: dict[str, Callable] = {}


def row_rule(label: str):
    def register(rule):
        ROW_RULES[label] = rule
        return rule
    return register


def public_rule(label: str):
    def register(rule):
        PUBLIC_RULES[label] = rule
        return rule
    return register


def restrict(queryset: QuerySet, user, action: str = "view") -> QuerySet:
    """The rows of ``queryset`` on which ``user`` may take ``action`` (view, add, change, delete)."""
    meta = queryset.model._meta
    label = meta.label_lower
    if not user.is_authenticated:
        rule = PUBLIC_RULES.get(label)
        return rule(queryset) if action == "view" and rule else queryset.none()
    if user.is_superuser:
        return queryset
    if not user.has_perm(f"{meta.app_label}.{action}_{meta.model_name}"):
        return queryset.none()
    rule = ROW_RULES.get(label)
    return rule(queryset, user, action) if rule else queryset


def user_region_ids(user) -> set[int]:
    """Ids of the region of the user's organisation and every region below it (cities, counties);
    empty when the user has no organisation or it has no region."""
    from deltawatch.regions.models import Region

    membership = getattr(user, "membership", None)
    region_id = membership.organisation.region_id if membership else None
    if region_id is None:
        return set()
    ids, frontier = {region_id}, {region_id}
    while frontier:
        frontier = set(Region.objects.filter(parent_id__in=frontier).values_list("id", flat=True)) - ids
        ids |= frontier
    return ids


# ------------------------------------------------------------------------------ the rules

CATALOGUE = ("regions.region", "regions.regiongroup", "indicators.dimension", "indicators.indicator",
             "indicators.target")
for _label in CATALOGUE:
    PUBLIC_RULES[_label] = lambda queryset: queryset


@public_rule("observations.observation")
def _approved_only(queryset):
    return queryset.filter(status="approved")


@row_rule("observations.observation")
def _reporters_write_their_regions(queryset, user, action):
    """Reporters view everything (drafts marked as such by the pages) but add or change only
    the values of their own region and the regions below it."""
    if action == "view" or roles_of(user) - {"统计填报"}:
        return queryset
    return queryset.filter(region_id__in=user_region_ids(user))


@row_rule("observations.importbatch")
def _reporters_see_their_imports(queryset, user, action):
    if roles_of(user) - {"统计填报"}:
        return queryset
    return queryset.filter(Q(user=user))


@public_rule("progress.progressassessment")
def _assessments_are_public(queryset):
    return queryset


@public_rule("indices.indexrun")
def _published_runs_only(queryset):
    return queryset.filter(is_published=True)


for _label in ("indices.indexscore", "indices.indexrankinterval", "indices.indexsensitivity"):
    PUBLIC_RULES[_label] = lambda queryset: queryset.filter(run__is_published=True)
