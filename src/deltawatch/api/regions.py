"""Regions (province → city → county) and region groups: public, as on /regions/."""

from __future__ import annotations

from ninja import Query, Router

from deltawatch.regions.models import Region, RegionGroup

from .core import READ_ERRORS, get_or_404, page, scoped, versioned
from .schemas import DEFAULT_PAGE, MAX_PAGE, GroupOut, GroupPage, RegionOut, RegionPage

router = Router(tags=["regions 地区"])
Limit = Query(DEFAULT_PAGE, ge=1, le=MAX_PAGE)
Offset = Query(0, ge=0)


def region_out(region: Region) -> dict:
    return {"code": region.code, "name_zh": region.name_zh, "name_en": region.name_en, "level": region.level,
            "parent": region.parent.code if region.parent_id else None, "valid_from": region.valid_from,
            "valid_to": region.valid_to}


def group_out(group: RegionGroup) -> dict:
    return {"code": group.code, "name_zh": group.name_zh, "name_en": group.name_en, "kind": group.kind,
            "description": group.description, "source": group.source,
            "members": sorted(member.code for member in group.members.all())}


@router.get("/regions", response={200: RegionPage, **READ_ERRORS}, summary="地区列表 regions")
@versioned
def list_regions(request, level: str | None = None, parent: str | None = None, group: str | None = None,
                 limit: int = Limit, offset: int = Offset):
    regions = scoped(request, Region.objects.select_related("parent")).order_by("code")
    if level:
        regions = regions.filter(level=level)
    if parent:
        regions = regions.filter(parent__code=parent)
    if group:
        regions = regions.filter(groups__code=group)
    return page(regions, limit, offset, region_out)


@router.get("/regions/{code}", response={200: RegionOut, **READ_ERRORS}, summary="一个地区 a region")
@versioned
def get_region(request, code: str):
    return region_out(get_or_404(scoped(request, Region.objects.select_related("parent")), code=code))


@router.get("/groups", response={200: GroupPage, **READ_ERRORS}, summary="地区组 region groups")
@versioned
def list_groups(request, limit: int = Limit, offset: int = Offset):
    groups = scoped(request, RegionGroup.objects.prefetch_related("members")).order_by("code")
    return page(groups, limit, offset, group_out)


@router.get("/groups/{code}", response={200: GroupOut, **READ_ERRORS}, summary="一个地区组 a region group")
@versioned
def get_group(request, code: str):
    return group_out(get_or_404(scoped(request, RegionGroup.objects.prefetch_related("members")), code=code))
