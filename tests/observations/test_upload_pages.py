"""数据导入 pages: upload → dry-run report → confirm, the history and a batch, role by role, with
the bad input of issue 12 (forged posts, another region's rows, files that are not
spreadsheets, <script> in cells, a second confirmation of the same token)."""

import hashlib
import io
import os
import re
import time
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from deltawatch.accounts.roles import ensure_roles
from deltawatch.accounts.services import create_sample_accounts
from deltawatch.observations import views
from deltawatch.observations.models import ImportBatch, Observation
from deltawatch.observations.services import import_observations

pytestmark = pytest.mark.django_db

BACKEND = "django.contrib.auth.backends.ModelBackend"
UPLOAD, CONFIRM, HISTORY = reverse("observations:upload"), reverse("observations:confirm"), reverse("observations:history")
# Years no value of the embedded default reaches, so that every value here is new.
YEAR = 2039


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    """Uploads wait under a private data directory."""
    settings.DATA_DIR = tmp_path / "data"
    return settings.DATA_DIR


@pytest.fixture
def accounts():
    ensure_roles()
    create_sample_accounts()
    users = get_user_model().objects
    admin = users.create_superuser("root", password="x-not-used")
    return {u.username: u for u in users.filter(username__in=["js_office", "js_kjt", "nj_stats", "njnu_researcher"])} \
        | {"root": admin}


def client_for(user, **kwargs) -> Client:
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user, backend=BACKEND)
    return client


def csv_file(text: str, name: str = "data.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def snapshot():
    return Observation.objects.count(), ImportBatch.objects.count()


def waiting_files(data_dir):
    root = data_dir / "uploads"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def token_of(response) -> str:
    found = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    assert found, "no confirm button on the page"
    return found.group(1)


GOOD = (f"region,indicator,year,value,unit,source\n"
        f"上海市,gdp,{YEAR},50000,亿元,示例来源\n"
        f"南京市,gdp,{YEAR},2000000,万元,示例来源\n")


# ------------------------------------------------------------------ who may open what

@pytest.mark.parametrize("username, upload_status, history_status", [
    ("root", 200, 200),
    ("js_office", 200, 200),
    ("nj_stats", 200, 200),
    ("js_kjt", 403, 403),           # 部门
    ("njnu_researcher", 403, 403),  # 研究人员
])
def test_pages_by_role(accounts, username, upload_status, history_status):
    client = client_for(accounts[username])
    assert client.get(UPLOAD).status_code == upload_status
    assert client.get(HISTORY).status_code == history_status


def test_anonymous_visitors_are_sent_to_login(accounts):
    client = Client()
    for url in (UPLOAD, HISTORY, reverse("observations:batch", args=[1])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    before = snapshot()
    response = client.post(UPLOAD, {"file": csv_file(GOOD), "layout": "auto"})
    assert response.status_code == 302 and snapshot() == before


def test_department_cannot_post_an_upload_or_a_confirmation(accounts, data_dir):
    client = client_for(accounts["js_kjt"])
    before = snapshot()
    assert client.post(UPLOAD, {"file": csv_file(GOOD), "layout": "auto"}).status_code == 403
    assert client.post(CONFIRM, {"token": "a" * 32, "decision": "import"}).status_code == 403
    assert snapshot() == before and waiting_files(data_dir) == []


def test_a_forged_post_without_csrf_token_is_refused(accounts, data_dir):
    client = client_for(accounts["js_office"], enforce_csrf_checks=True)
    before = snapshot()
    response = client.post(UPLOAD, {"file": csv_file(GOOD), "layout": "auto"})
    assert response.status_code == 403
    assert client.post(CONFIRM, {"token": "a" * 32, "decision": "import"}).status_code == 403
    assert snapshot() == before and waiting_files(data_dir) == []


def test_the_form_carries_its_csrf_token(accounts):
    client = client_for(accounts["js_office"], enforce_csrf_checks=True)
    page = client.get(UPLOAD).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(UPLOAD, {"file": csv_file(GOOD), "layout": "auto", "csrfmiddlewaretoken": token})
    assert response.status_code == 200 and "将新增" in response.content.decode()


# ------------------------------------------------------------------ the good path

def test_good_file_dry_run_then_confirm_writes_as_the_user(accounts, data_dir):
    user = accounts["js_office"]
    client = client_for(user)
    before = snapshot()
    response = client.post(UPLOAD, {"file": csv_file(GOOD, "gdp 2039.csv"), "layout": "auto"})
    page = response.content.decode()
    assert response.status_code == 200
    # two rows, both keys new (no value for 2039 anywhere): 2 read, 2 new, 0 revised, 0 unchanged
    counts = re.findall(r'<span class="count">([\d,]+)</span>', page)
    assert counts == ["2", "2", "0", "0", "0"]
    assert hashlib.sha256(GOOD.encode("utf-8")).hexdigest() in page
    assert snapshot() == before, "the dry run wrote something"
    assert len(waiting_files(data_dir)) == 1

    response = client.post(CONFIRM, {"token": token_of(response), "decision": "import"})
    batch = ImportBatch.objects.latest("pk")
    assert response.status_code == 302 and response["Location"] == reverse("observations:batch", args=[batch.pk])
    assert (batch.user, batch.file_name, batch.rows_created) == (user, "gdp_2039.csv", 2)
    nanjing = Observation.objects.get(region__code="320100", indicator__code="gdp", year=YEAR, is_current=True)
    assert nanjing.value == pytest.approx(200.0, rel=1e-12)  # 2,000,000 万元 = 200 亿元
    assert (nanjing.recorded_by, nanjing.status, nanjing.batch) == (user, "submitted", batch)
    assert waiting_files(data_dir) == [], "the confirmed file was not deleted"

    shown = client.get(response["Location"]).content.decode()
    assert "导入完成" in shown and "gdp_2039.csv" in shown and "200" in shown
    assert "gdp_2039.csv" in client.get(HISTORY).content.decode()


def test_a_second_confirmation_of_the_same_token_does_nothing(accounts, data_dir):
    client = client_for(accounts["js_office"])
    token = token_of(client.post(UPLOAD, {"file": csv_file(GOOD), "layout": "auto"}))
    client.post(CONFIRM, {"token": token, "decision": "import"})
    after_first = snapshot()
    response = client.post(CONFIRM, {"token": token, "decision": "import"}, follow=True)
    assert snapshot() == after_first
    assert "未再次导入" in response.content.decode()


def test_a_token_from_another_session_is_not_honoured(accounts, data_dir):
    office, reporter = client_for(accounts["js_office"]), client_for(accounts["nj_stats"])
    token = token_of(office.post(UPLOAD, {"file": csv_file(GOOD), "layout": "auto"}))
    before = snapshot()
    reporter.post(CONFIRM, {"token": token, "decision": "import"})
    assert snapshot() == before
    office.post(CONFIRM, {"token": token, "decision": "import"})
    assert snapshot()[1] == before[1] + 1  # the owner still can


@pytest.mark.parametrize("token", ["../../etc/passwd", "a", "", "x" * 200])
def test_a_token_that_is_not_a_token_is_refused(accounts, token):
    before = snapshot()
    response = client_for(accounts["js_office"]).post(CONFIRM, {"token": token, "decision": "import"}, follow=True)
    assert response.status_code == 200 and snapshot() == before


def test_discard_deletes_the_file_and_writes_nothing(accounts, data_dir):
    client = client_for(accounts["js_office"])
    token = token_of(client.post(UPLOAD, {"file": csv_file(GOOD), "layout": "auto"}))
    before = snapshot()
    client.post(CONFIRM, {"token": token, "decision": "discard"})
    assert snapshot() == before and waiting_files(data_dir) == []
    client.post(CONFIRM, {"token": token, "decision": "import"})
    assert snapshot() == before


def test_options_are_passed_to_the_importer(accounts):
    """A wide table of one indicator without a title: the indicator and unit come from the form."""
    text = f"地区,{YEAR}\n上海市,10000\n江苏省,20000\n"
    client = client_for(accounts["js_office"])
    response = client.post(UPLOAD, {"file": csv_file(text), "layout": "wide_years", "indicator": "gdp",
                                    "unit": "万元"})
    assert re.findall(r'<span class="count">([\d,]+)</span>', response.content.decode())[:2] == ["2", "2"]
    client.post(CONFIRM, {"token": token_of(response), "decision": "import"})
    jiangsu = Observation.objects.get(region__code="320000", indicator__code="gdp", year=YEAR, is_current=True)
    assert jiangsu.value == pytest.approx(2.0, rel=1e-12)  # 20,000 万元 = 2 亿元


def test_a_file_that_changes_nothing_offers_no_confirmation(accounts, data_dir):
    import_observations(_write(data_dir, GOOD), user=accounts["js_office"])
    response = client_for(accounts["js_office"]).post(UPLOAD, {"file": csv_file(GOOD), "layout": "auto"})
    page = response.content.decode()
    assert re.findall(r'<span class="count">([\d,]+)</span>', page) == ["2", "0", "0", "2", "0"]
    assert 'name="token"' not in page and waiting_files(data_dir) == []


def _write(directory, text, name="same.csv"):
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------ reporters and their regions

def test_a_reporter_uploading_another_regions_data_is_refused_with_the_rows_named(accounts, data_dir):
    text = (f"region,indicator,year,value,unit\n"
            f"南京市,gdp,{YEAR},100,亿元\n"
            f"苏州市,gdp,{YEAR},200,亿元\n"
            f"玄武区,gdp,{YEAR},10,亿元\n"
            f"上海市,gdp,{YEAR},300,亿元\n")
    client = client_for(accounts["nj_stats"])
    before = snapshot()
    response = client.post(UPLOAD, {"file": csv_file(text), "layout": "auto"})
    page = response.content.decode()
    assert "已整体拒绝" in page and 'name="token"' not in page
    rows = re.findall(r'<tr><td class="num">(\d+)</td><td class="col">[^<]*</td><td>([^<]*)</td></tr>', page)
    assert rows == [("3", "苏州市 (320500)"), ("5", "上海市 (310000)")]  # header is row 1
    assert snapshot() == before and waiting_files(data_dir) == []


def test_a_reporter_imports_its_own_city_and_counties(accounts):
    text = f"region,indicator,year,value,unit\n南京市,gdp,{YEAR},100,亿元\n玄武区,gdp,{YEAR},10,亿元\n"
    user = accounts["nj_stats"]
    client = client_for(user)
    response = client.post(UPLOAD, {"file": csv_file(text), "layout": "auto"})
    client.post(CONFIRM, {"token": token_of(response), "decision": "import"})
    written = Observation.objects.filter(year=YEAR, indicator__code="gdp", is_current=True)
    assert {(o.region.code, o.recorded_by, o.status) for o in written} == {
        ("320100", user, "submitted"), ("320102", user, "submitted")}


def test_the_office_imports_any_region(accounts):
    text = f"region,indicator,year,value,unit\n苏州市,gdp,{YEAR},200,亿元\n合肥市,gdp,{YEAR},300,亿元\n"
    client = client_for(accounts["js_office"])
    client.post(CONFIRM, {"token": token_of(client.post(UPLOAD, {"file": csv_file(text), "layout": "auto"})),
                          "decision": "import"})
    assert Observation.objects.filter(year=YEAR, indicator__code="gdp").count() == 2


def test_the_region_check_runs_again_at_confirmation(accounts, settings):
    """The reporter's organisation moved to Suzhou between the dry run and the confirmation."""
    from deltawatch.regions.models import Region

    user = accounts["nj_stats"]
    client = client_for(user)
    text = f"region,indicator,year,value,unit\n南京市,gdp,{YEAR},100,亿元\n"
    token = token_of(client.post(UPLOAD, {"file": csv_file(text), "layout": "auto"}))
    organisation = user.membership.organisation
    organisation.region = Region.objects.get(code="320500")
    organisation.save()
    before = snapshot()
    response = client.post(CONFIRM, {"token": token, "decision": "import"})
    assert "已整体拒绝" in response.content.decode() and snapshot() == before


# ------------------------------------------------------------------ files that are not tables

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.parametrize("name, content, words", [
    ("picture.csv", PNG, "PNG图片"),
    ("report.xlsx", PDF, "PDF文档"),
    ("table.xlsx", GOOD.encode(), "文本"),
    ("program.exe", b"MZ\x90\x00", "不能导入"),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "另存为.xlsx"),
    ("empty.csv", b"", "空"),
])
def test_a_file_that_is_not_a_spreadsheet_gets_a_worded_refusal(accounts, data_dir, name, content, words):
    before = snapshot()
    response = client_for(accounts["js_office"]).post(
        UPLOAD, {"file": SimpleUploadedFile(name, content), "layout": "auto"})
    page = response.content.decode()
    assert response.status_code == 200 and words in page
    assert 'class="errorlist' in page and 'name="token"' not in page
    assert snapshot() == before and waiting_files(data_dir) == []


def test_a_zip_that_is_not_a_workbook_is_refused_by_the_reader_in_words(accounts, data_dir):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    response = client_for(accounts["js_office"]).post(
        UPLOAD, {"file": SimpleUploadedFile("book.xlsx", buffer.getvalue()), "layout": "auto"})
    page = response.content.decode()
    assert "未写入任何数据" in page and "ZIP压缩包（不是Excel工作簿）" in page
    assert waiting_files(data_dir) == []


def test_a_file_over_the_size_limit_is_dropped_while_uploading(accounts, data_dir):
    big = SimpleUploadedFile("big.csv", b"a" * (20 * 2 ** 20 + 1))
    response = client_for(accounts["js_office"]).post(UPLOAD, {"file": big, "layout": "long"})
    page = response.content.decode()
    assert response.status_code == 200 and "20 MB" in page and 'class="errorlist' in page
    assert 'value="long" selected' in page, "the other fields were lost with the file"
    assert waiting_files(data_dir) == []


# ------------------------------------------------------------------ the problem report

def test_a_bad_row_shows_row_column_value_and_reason_and_writes_nothing(accounts, data_dir):
    text = f"region,indicator,year,value\n上海市,gdp,{YEAR},1\n南京市,gdp,{YEAR},abc\n"
    before = snapshot()
    page = client_for(accounts["js_office"]).post(UPLOAD, {"file": csv_file(text), "layout": "auto"}).content.decode()
    assert "发现 1 个问题" in page
    row = re.search(r'<tr><td class="num">(\d+)</td><td class="col">([^<]*)</td>\s*<td class="cell"><code>([^<]*)</code></td>'
                    r'<td>([^<]*)</td></tr>', page)
    assert row.groups() == ("3", "value", "abc", "不是有效的数字")
    assert snapshot() == before and waiting_files(data_dir) == []


def test_reasons_are_in_the_users_language(accounts):
    text = f"region,indicator,year,value\n南京市,gdp,{YEAR},abc\n"
    client = client_for(accounts["js_office"])
    page = client.post(UPLOAD, {"file": csv_file(text), "layout": "auto"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "not a number" in page and "不是有效的数字" not in page


def test_script_in_a_cell_is_shown_escaped(accounts):
    text = f"region,indicator,year,value\n<script>alert(1)</script>,gdp,{YEAR},1\n"
    page = client_for(accounts["js_office"]).post(UPLOAD, {"file": csv_file(text), "layout": "auto"}).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert" not in page


def test_script_in_a_source_is_shown_escaped_on_the_batch_page(accounts):
    text = f"region,indicator,year,value,source\n上海市,gdp,{YEAR},1,<script>alert(2)</script>\n"
    client = client_for(accounts["js_office"])
    response = client.post(CONFIRM, {"token": token_of(client.post(UPLOAD, {"file": csv_file(text), "layout": "auto"})),
                                     "decision": "import"})
    page = client.get(response["Location"]).content.decode()
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page and "<script>alert" not in page


def test_many_problems_are_capped_with_the_number_left_out(accounts):
    """1,500 bad rows: the importer keeps the first 1,000 problems and counts all 1,500; the page
    lists the first 200 and says 1,300 more."""
    from deltawatch.indicators.models import Indicator

    codes = list(Indicator.objects.filter(formula="").order_by("code").values_list("code", flat=True)[:15])
    # 15 indicators × 100 years: 1,500 distinct keys, each with a value that is not a number
    text = "region,indicator,year,value\n" + "".join(
        f"南京市,{code},{year},x\n" for code in codes for year in range(1950, 2050))
    page = client_for(accounts["js_office"]).post(UPLOAD, {"file": csv_file(text), "layout": "auto"}).content.decode()
    assert "发现 1,500 个问题" in page
    assert page.count('<td class="cell">') == 200
    assert "另有 1,300 个问题未列出" in page


# ------------------------------------------------------------------ waiting files expire

def test_uploads_left_waiting_are_deleted_after_a_day(accounts, data_dir):
    client = client_for(accounts["js_office"])
    token = token_of(client.post(UPLOAD, {"file": csv_file(GOOD), "layout": "auto"}))
    [waiting] = waiting_files(data_dir)
    day_ago = time.time() - views.UPLOAD_TTL.total_seconds() - 60
    os.utime(waiting.parent, (day_ago, day_ago))
    client.get(UPLOAD)  # any visit sweeps
    assert waiting_files(data_dir) == []
    before = snapshot()
    client.post(CONFIRM, {"token": token, "decision": "import"})
    assert snapshot() == before


# ------------------------------------------------------------------ history and batches

def test_reporters_see_their_own_imports_only(accounts, data_dir):
    office, reporter = accounts["js_office"], accounts["nj_stats"]
    theirs = import_observations(_write(data_dir, f"region,indicator,year,value\n上海市,gdp,{YEAR},1\n", "office.csv"),
                                 user=office).batch
    mine = import_observations(_write(data_dir, f"region,indicator,year,value\n南京市,gdp,{YEAR},1\n", "mine.csv"),
                               user=reporter).batch
    client = client_for(reporter)
    page = client.get(HISTORY).content.decode()
    assert "mine.csv" in page and "office.csv" not in page
    assert client.get(reverse("observations:batch", args=[theirs.pk])).status_code == 403
    assert client.get(reverse("observations:batch", args=[mine.pk])).status_code == 200
    assert client.get(reverse("observations:batch", args=[10 ** 9])).status_code == 404
    office_page = client_for(office).get(HISTORY).content.decode()
    assert "mine.csv" in office_page and "office.csv" in office_page


def test_batch_page_lists_its_values_paged_and_downloads_them(accounts, data_dir):
    # 60 values (two cities × 30 years): page 1 shows 50, page 2 shows 10.
    rows = "".join(f"{city},gdp,{year},{year - 1900}\n" for city in ("上海市", "南京市") for year in range(2041, 2071))
    batch = import_observations(_write(data_dir, "region,indicator,year,value\n" + rows, "sixty.csv"),
                                user=accounts["js_office"]).batch
    client = client_for(accounts["js_office"])
    url = reverse("observations:batch", args=[batch.pk])
    first, second = client.get(url).content.decode(), client.get(url + "?page=2").content.decode()
    assert first.count('<td class="source phone-hide">') == 50 \
        and second.count('<td class="source phone-hide">') == 10
    assert "共 60 个数值" in first
    by_year = client.get(url + "?sort=-year").content.decode()
    assert by_year.index(">2070<") < by_year.index(">2069<")
    download = client.get(url + "?format=csv").content.decode("utf-8-sig").splitlines()
    assert download[0].startswith("region_code,") and len(download) == 61
    xlsx = client.get(url + "?format=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats") and xlsx.content[:2] == b"PK"


def test_history_sorts_and_downloads(accounts, data_dir):
    user = accounts["js_office"]
    import_observations(_write(data_dir, f"region,indicator,year,value\n上海市,gdp,{YEAR},1\n", "a.csv"), user=user)
    import_observations(_write(data_dir, f"region,indicator,year,value\n上海市,gdp,{YEAR + 1},1\n南京市,gdp,{YEAR},1\n",
                               "b.csv"), user=user)
    client = client_for(user)
    by_created = client.get(HISTORY + "?sort=-created").content.decode()
    assert by_created.index(">b.csv<") < by_created.index(">a.csv<")  # b created 2, a created 1
    csv_rows = client.get(HISTORY + "?format=csv").content.decode("utf-8-sig").splitlines()
    assert csv_rows[0].startswith("id,file_name") and {"a.csv", "b.csv"} <= {r.split(",")[1] for r in csv_rows[1:]}
    assert client.get(HISTORY + "?sort=nonsense&page=999").status_code == 200


def test_two_confirmations_racing_with_one_session_import_once(accounts):
    """The second request loaded the session before the first saved it (a double click): the
    token is still in its session, but the file was claimed by the first."""
    client = client_for(accounts["js_office"])
    token = token_of(client.post(UPLOAD, {"file": csv_file(GOOD), "layout": "auto"}))
    stale = dict(client.session[views.SESSION_KEY])
    client.post(CONFIRM, {"token": token, "decision": "import"})
    session = client.session
    session[views.SESSION_KEY] = stale
    session.save()
    response = client.post(CONFIRM, {"token": token, "decision": "import"}, follow=True)
    assert "未再次导入" in response.content.decode()


def test_the_size_limit_handler_drops_a_file_at_the_limit():
    from django.core.files.uploadhandler import SkipFile
    from django.test import RequestFactory

    from deltawatch.observations.forms import UploadSizeLimit

    request = RequestFactory().post("/")
    handler = UploadSizeLimit(request, limit=10)
    assert handler.receive_data_chunk(b"12345", 0) == b"12345"
    assert handler.receive_data_chunk(b"67890", 5) == b"67890"  # exactly 10 bytes: kept
    assert not getattr(request, "upload_too_large", False)
    with pytest.raises(SkipFile):
        handler.receive_data_chunk(b"1", 10)
    assert request.upload_too_large is True
