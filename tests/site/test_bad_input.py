"""The bad input of issue 12, across the site: forged posts, a reporter outside its scope, the
public asking for unapproved values or an unpublished run, an overlong feedback text, a
``<script>`` in feedback and in an uploaded cell, an upload that is not a spreadsheet, and
codes, ids and years that do not exist — each refused in words (or 404), never a 500, and
nothing changed."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from deltawatch.indicators.models import Indicator
from deltawatch.observations.models import Observation
from deltawatch.regions.models import Region
from deltawatch.site.models import Feedback
from tests.accounts import test_role_matrix as matrix
from tests.accounts.test_role_matrix import client_for, snapshot

pytestmark = pytest.mark.django_db

# the role matrix's accounts and objects, and its cache handling
world, shared_world, fresh_cache = matrix.world, matrix.shared_world, matrix.fresh_cache

# A value nobody else has: if it appears on a public page, the page leaked it.
SECRET = 98765.4321
SECRET_TEXTS = ("98765", "98,765", "9.8765")


def has_secret(content: bytes) -> bool:
    return any(text.encode() in content for text in SECRET_TEXTS)


def xlsx_text(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row)


# ------------------------------------------------------------------------------ forged posts


POST_ACTIONS = [  # (role, URL name, argument from the world, data)
    ("public", "site:feedback", None, {"topic": "data", "text": "伪造的提交"}),
    ("office", "site:feedback_answer", "feedback", {"answer": "伪造", "status": "answered", "is_public": "on"}),
    ("office", "progress:run", None, {"method": "opensdg"}),
    ("office", "indices:start", None, {"kind": "build", "spec": "yrd_hqd", "years": "2017"}),
    ("office", "indices:publish", "draft_run", {"action": "publish"}),
    ("reporter", "observations:upload", None, {"layout": "auto"}),
    ("reporter", "observations:confirm", None, {"token": "x" * 32, "decision": "import"}),
    ("office", "set_language", None, {"language": "en", "next": "/"}),
]


@pytest.mark.parametrize("role, name, arg, data", POST_ACTIONS, ids=[a[1] for a in POST_ACTIONS])
def test_a_forged_post_without_the_csrf_token_is_refused_and_changes_nothing(world, role, name, arg, data):
    users, objects = world
    client = Client(enforce_csrf_checks=True)
    if role != "public":
        client.force_login(users[role])
    if name == "observations:upload":
        text = "region,indicator,year,value,unit\n320100,gdp,2024,18600,亿元\n"
        data = {**data, "file": SimpleUploadedFile("nj.csv", text.encode(), content_type="text/csv")}
    before = snapshot()
    response = client.post(reverse(name, args=[objects[arg]] if arg else []), data)
    assert response.status_code == 403
    assert snapshot() == before
    assert "language" not in client.cookies or client.cookies["django_language"].value != "en"


# ------------------------------------------------------------------------------ out of scope


def test_a_reporter_opening_another_accounts_upload_batch_is_refused(world):
    users, objects = world
    client = client_for(users, "reporter")
    before = snapshot()
    for query in ("", "?format=csv", "?format=xlsx"):
        response = client.get(reverse("observations:batch", args=[objects["office_batch"]]) + query)
        assert response.status_code == 403, query
        assert b"jiangsu.csv" not in response.content
    assert client.get(reverse("observations:batch", args=[objects["reporter_batch"]])).status_code == 200
    assert snapshot() == before


@pytest.mark.parametrize("method, name, arg, data", [
    ("get", "site:feedback_inbox", None, {}),
    ("get", "site:feedback_answer", "feedback", {}),
    ("post", "site:feedback_answer", "feedback", {"answer": "填报员的答复", "status": "answered"}),
    ("post", "progress:run", None, {"method": "opensdg"}),
    ("post", "indices:publish", "draft_run", {"action": "publish"}),
])
def test_a_reporter_opening_an_office_page_is_refused(world, method, name, arg, data):
    users, objects = world
    before = snapshot()
    response = getattr(client_for(users, "reporter"), method)(reverse(name, args=[objects[arg]] if arg else []), data)
    assert response.status_code == 403
    assert "苏州的数据有误" not in response.content.decode()
    assert snapshot() == before


# ------------------------------------------------------------------------------ unapproved values


@pytest.fixture
def unapproved(request):
    """Nanjing's GDP of 2024, a year with no other value: submitted by a reporter (or a draft)."""
    return Observation.objects.create(region=Region.objects.get(code="320100"), year=2024, value=SECRET,
                                      indicator=Indicator.objects.get(code="gdp"), status=request.param,
                                      source="南京市统计局（示例）", recorded_at="2026-11-30T08:00:00Z")


PAGES_WITH_THE_VALUE = [
    "/indicators/gdp/?r=320100",
    "/indicators/gdp/?r=320100&r=320000&r=yrd",
    "/indicators/gdp/export/?r=320100&format=csv",
    "/indicators/gdp/export/?r=320100&format=xlsx",
    "/regions/320100/",
    "/regions/320100/?format=csv",
    "/regions/320100/?format=xlsx",
    "/regions/320000/",
]


@pytest.mark.parametrize("unapproved", ["submitted", "draft"], indirect=True)
@pytest.mark.parametrize("url", PAGES_WITH_THE_VALUE)
def test_the_public_never_sees_an_unapproved_value(world, unapproved, url):
    users, _objects = world
    public = Client().get(url)
    assert public.status_code == 200
    content = xlsx_text(public.content).encode() if "xlsx" in url else public.content
    assert not has_secret(content), f"{unapproved.status} value on the public {url}"
    if url.startswith(("/indicators/", "/regions/320100/")):  # the office does see it there
        office = client_for(users, "office").get(url)
        content = xlsx_text(office.content).encode() if "xlsx" in url else office.content
        assert has_secret(content), f"the test is blind: the office does not see the value on {url}"


@pytest.mark.parametrize("unapproved", ["submitted", "draft"], indirect=True)
@pytest.mark.parametrize("url", [
    "/indicators/gdp/?r=320100&year=2024",
    "/indicators/gdp/export/?r=320100&year=2024&format=csv",
    "/regions/320100/?year=2024",
    "/overview/map.csv?indicator=gdp&year=2024",
    "/?indicator=gdp&year=2024",
])
def test_the_public_asking_for_the_year_of_an_unapproved_value_gets_404(world, unapproved, url):
    users, _objects = world
    response = Client().get(url)
    assert response.status_code == 404 and not has_secret(response.content)
    assert client_for(users, "office").get(url).status_code != 404 or "overview" in url or url.startswith("/?")


def test_the_public_asking_for_an_unpublished_run_gets_404(world):
    users, objects = world
    url = reverse("indices:run", args=[objects["draft_run"]])
    for query in ("", "?format=csv", "?year=2017"):
        assert Client().get(url + query).status_code == 404
    assert client_for(users, "researcher").get(url).status_code == 200
    listing = Client().get(reverse("indices:list")).content.decode()
    assert url not in listing and reverse("indices:run", args=[objects["published_run"]]) in listing


# ------------------------------------------------------------------------------ feedback


def test_a_feedback_text_of_100000_characters_is_refused_in_words_and_kept(world):
    text = "长" * 100_000
    response = Client().post(reverse("site:feedback"), {"topic": "data", "text": text})
    html = response.content.decode()
    assert response.status_code == 400
    assert "不能超过 2000 个字符（现有 100000 个）" in html
    assert text in html
    assert Feedback.objects.count() == 1  # the world's entry only


def test_a_script_in_feedback_is_shown_escaped_in_the_inbox(world):
    users, _objects = world
    Client().post(reverse("site:feedback"), {"topic": "data", "text": "<script>alert('x')</script> 数据问题",
                                             "name": "<b>王</b>"})
    entry = Feedback.objects.latest("pk")
    office = client_for(users, "office")
    for url in (reverse("site:feedback_inbox"), reverse("site:feedback_answer", args=[entry.pk])):
        html = office.get(url).content.decode()
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html, url
        assert "<script>alert" not in html and "<b>王</b>" not in html


# ------------------------------------------------------------------------------ uploads


def upload(client, name: str, content: bytes):
    return client.post(reverse("observations:upload"), {"file": SimpleUploadedFile(name, content), "layout": "auto"})


def test_a_script_in_an_uploaded_cell_is_shown_escaped_in_the_report(world):
    users, _objects = world
    before = snapshot()
    text = "region,indicator,year,value,unit\n<script>alert(1)</script>,gdp,2024,1,亿元\n"
    html = upload(client_for(users, "office"), "x.csv", text.encode()).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert snapshot() == before


@pytest.mark.parametrize("name, content, words", [
    ("photo.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "PNG图片"),
    ("report.xlsx", b"%PDF-1.4\n%%EOF\n", "PDF文档"),
    ("program.exe", b"MZ\x90\x00" + b"\x00" * 32, "不能导入"),
])
def test_an_upload_that_is_not_a_spreadsheet_is_refused_in_words(world, name, content, words):
    users, _objects = world
    before = snapshot()
    response = upload(client_for(users, "reporter"), name, content)
    html = response.content.decode()
    assert response.status_code == 200 and words in html and 'class="errorlist' in html
    assert 'name="token"' not in html  # nothing offered for confirmation
    assert snapshot() == before


# ------------------------------------------------------------------------------ unknown codes and years

# (URL, who asks, the outcome: 404, or 200/400 with these words on the page)
UNKNOWN = [
    ("/?year=abc", "public", 404, ""),
    ("/?year=99999", "public", 404, ""),
    ("/?indicator=xyz", "public", 404, ""),
    ("/overview/map.csv?year=abc", "public", 404, ""),
    ("/overview/map.csv?indicator=xyz", "public", 404, ""),
    ("/indicators/xyz/", "public", 404, ""),
    ("/indicators/xyz/export/", "public", 404, ""),
    ("/indicators/gdp/?year=abc", "public", 404, ""),
    ("/indicators/gdp/?year=99999", "public", 404, ""),
    ("/indicators/gdp/?r=xyz", "public", 404, ""),
    ("/indicators/gdp/?method=xyz", "public", 404, ""),
    ("/indicators/gdp/export/?year=abc", "public", 404, ""),
    ("/indicators/gdp/export/?r=xyz", "public", 404, ""),
    ("/indicators/gdp/export/?format=xyz", "public", 404, ""),
    ("/indicators/?area=xyz", "public", 200, ""),
    ("/regions/xyz/", "public", 404, ""),
    ("/regions/320100/?year=abc", "public", 404, ""),
    ("/regions/320100/?year=99999", "public", 404, ""),
    ("/regions/320100/?method=xyz", "public", 404, ""),
    ("/progress/?region=xyz", "public", 200, "xyz"),
    ("/progress/?target_year=abc", "public", 200, "abc"),
    ("/progress/?target_year=99999", "public", 200, "99999"),
    ("/progress/?area=xyz&method=xyz", "public", 200, "xyz"),
    ("/progress/changes/?region=xyz", "public", 200, "xyz"),
    ("/progress/export?region=xyz", "public", 200, ""),
    ("/progress/export?format=xyz", "public", 400, "csv"),
    ("/indices/runs/987654/", "public", 404, ""),
    ("/indices/runs/{published_run}/?year=abc", "public", 404, ""),
    ("/indices/runs/{published_run}/?year=99999", "public", 404, ""),
    ("/indices/runs/{published_run}/?node=xyz", "public", 404, ""),
    ("/indices/?sort=xyz&page=abc", "public", 200, ""),
    ("/regional/?indicator=xyz", "public", 400, "xyz"),
    ("/regional/?year=abc", "public", 400, ""),
    ("/regional/?year=99999", "public", 400, ""),
    ("/regional/?first=abc&last=99999", "public", 400, ""),
    ("/feedback/?page=abc", "public", 200, ""),
    ("/data/imports/987654/", "office", 404, ""),
    ("/data/imports/?sort=xyz&page=abc", "office", 200, ""),
    ("/feedback/inbox/?status=xyz&topic=xyz&sort=xyz", "office", 200, ""),
    ("/indices/jobs/987654/", "office", 404, ""),
]


@pytest.mark.parametrize("url, role, status, words", UNKNOWN, ids=[u[0] for u in UNKNOWN])
def test_an_unknown_code_or_year_is_a_404_or_a_worded_message_never_a_500(world, url, role, status, words):
    users, objects = world
    response = client_for(users, role).get(url.format(**objects))
    assert response.status_code == status
    if words:
        assert words in response.content.decode()
