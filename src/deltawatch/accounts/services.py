"""Sample organisations and one sample account per role for the embedded default.

The organisations are real institutions of the YRD governance system; that they appear here,
and every account, is demonstration (示例): marked ``is_sample`` and shown as such. Passwords
are generated on first creation and returned once, to be printed by ``deltawatch init`` — never
a fixed password in the code, never written to a file.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from deltawatch.regions.models import Region

from .choices import OrganisationKind as Kind
from .choices import Role
from .models import Membership, Organisation

# code, name_zh, name_en, kind, region, parent
SAMPLE_ORGANISATIONS = [
    ("sh-yrd-office", "上海市推进长三角一体化发展领导小组办公室",
     "Shanghai Office of the Leading Group for YRD Integration", Kind.OFFICE, "310000", None),
    ("js-yrd-office", "江苏省推进长三角一体化发展领导小组办公室",
     "Jiangsu Office of the Leading Group for YRD Integration", Kind.OFFICE, "320000", None),
    ("zj-yrd-office", "浙江省推进长三角一体化发展领导小组办公室",
     "Zhejiang Office of the Leading Group for YRD Integration", Kind.OFFICE, "330000", None),
    ("ah-yrd-office", "安徽省推进长三角一体化发展领导小组办公室",
     "Anhui Office of the Leading Group for YRD Integration", Kind.OFFICE, "340000", None),
    ("js-drc", "江苏省发展和改革委员会", "Jiangsu Development and Reform Commission", Kind.DEPARTMENT, "320000",
     "js-yrd-office"),
    ("js-kjt", "江苏省科学技术厅", "Jiangsu Department of Science and Technology", Kind.DEPARTMENT, "320000",
     "js-yrd-office"),
    ("js-sthjt", "江苏省生态环境厅", "Jiangsu Department of Ecology and Environment", Kind.DEPARTMENT, "320000",
     "js-yrd-office"),
    ("js-tjj", "江苏省统计局", "Jiangsu Provincial Bureau of Statistics", Kind.STATISTICS_BUREAU, "320000",
     "js-yrd-office"),
    ("nj-tjj", "南京市统计局", "Nanjing Municipal Bureau of Statistics", Kind.STATISTICS_BUREAU, "320100", "js-tjj"),
    ("sz-tjj", "苏州市统计局", "Suzhou Municipal Bureau of Statistics", Kind.STATISTICS_BUREAU, "320500", "js-tjj"),
    ("njnu", "南京师范大学长三角高质量发展研究团队", "Nanjing Normal University YRD high-quality development team",
     Kind.THINK_TANK, None, None),
]

# username, role, organisation code (the system administrator is ``admin``, made by ``init``)
SAMPLE_ACCOUNTS = [
    ("js_office", Role.OFFICE, "js-yrd-office"),
    ("js_kjt", Role.DEPARTMENT, "js-kjt"),
    ("nj_stats", Role.REPORTER, "nj-tjj"),
    ("njnu_researcher", Role.RESEARCHER, "njnu"),
]


@dataclass(frozen=True)
class NewAccount:
    username: str
    role: str
    organisation: str
    password: str


def load_sample_organisations() -> int:
    """Create the sample organisations that are missing; returns how many were created."""
    regions = dict(Region.objects.values_list("code", "id"))
    created = 0
    for code, name_zh, name_en, kind, region, parent in SAMPLE_ORGANISATIONS:
        _, made = Organisation.objects.get_or_create(code=code, defaults={
            "name_zh": name_zh, "name_en": name_en, "kind": kind, "region_id": regions.get(region),
            "parent": Organisation.objects.filter(code=parent).first() if parent else None, "is_sample": True,
        })
        created += made
    return created


@transaction.atomic
def create_sample_accounts() -> list[NewAccount]:
    """One sample account per role, created only if its username is free; the generated
    passwords of the accounts created now (and only those) are returned, to be shown once."""
    load_sample_organisations()
    users = get_user_model().objects
    created = []
    for username, role, organisation in SAMPLE_ACCOUNTS:
        if users.filter(username=username).exists():
            continue
        password = secrets.token_urlsafe(9)
        user = users.create_user(username, password=password)
        user.groups.add(Group.objects.get(name=role.value))
        Membership.objects.create(user=user, organisation=Organisation.objects.get(code=organisation), is_sample=True)
        created.append(NewAccount(username, str(role.label), organisation, password))
    return created
