"""数据导入 in a real browser (issue 12): an upload with a bad row shows the report and writes
nothing; a good upload goes through the dry run and the confirmation into the database and the
history. A reporter (统计填报, 南京市统计局) signs in through the login form."""

import re

import pytest
from django.contrib.auth import get_user_model

from deltawatch.accounts.roles import ensure_roles
from deltawatch.accounts.services import create_sample_accounts
from deltawatch.observations.models import ImportBatch, Observation
from tests.browser.support import watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Upload-test-password-7"  # set by the test: sample passwords are generated
YEAR = 2039  # beyond every value of the embedded default: the good file's values are new


@pytest.fixture
def reporter(yrd_default, settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"  # uploads wait here, not in the user's data directory
    ensure_roles()
    create_sample_accounts()
    user = get_user_model().objects.get(username="nj_stats")
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def watched(page):
    """The page, with every console error, failed request and error response recorded."""
    page.problems = watch(page)
    return page


def sign_in(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/?next=/data/upload/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_selector("form.upload-form")


def upload(page, path):
    page.set_input_files("input[type=file]", str(path))
    page.click("form.upload-form button[type=submit]")
    page.wait_for_selector("#report")


def test_an_upload_with_a_bad_row_shows_the_report_and_writes_nothing(watched, live_server, reporter, tmp_path):
    page = watched
    sign_in(page, live_server, reporter)
    path = tmp_path / "nanjing.csv"
    path.write_text(f"地区,指标,年份,数值,单位\n南京市,gdp,{YEAR},100,亿元\n玄武区,gdp,{YEAR},abc,亿元\n"
                    f"秦淮区,gdp,{YEAR},<script>alert(1)</script>,亿元\n", encoding="utf-8")
    before = (Observation.objects.count(), ImportBatch.objects.count())
    upload(page, path)
    assert "发现 2 个问题，未写入任何数据" in page.inner_text("#report h2")
    rows = [[cell.strip() for cell in row.split("\t")] for row in
            page.inner_text("table.problems tbody").strip().splitlines()]
    assert rows == [["3", "数值", "abc", "不是有效的数字"],
                    ["4", "数值", "<script>alert(1)</script>", "不是有效的数字"]]
    assert page.locator("button[value=import]").count() == 0
    assert (Observation.objects.count(), ImportBatch.objects.count()) == before
    page.screenshot(path=str(tmp_path / "upload-problems.png"), full_page=True)
    assert page.problems == []


def test_a_good_upload_through_confirmation(watched, live_server, reporter, tmp_path):
    page = watched
    sign_in(page, live_server, reporter)
    path = tmp_path / "nanjing-good.csv"
    path.write_text(f"地区,指标,年份,数值,单位,来源\n南京市,gdp,{YEAR},2000000,万元,示例\n"
                    f"玄武区,gdp,{YEAR},150,亿元,示例\n", encoding="utf-8")
    upload(page, path)
    assert "检查通过" in page.inner_text("#report h2")
    # 2 values read, both new (no value for the year yet), none revised or unchanged
    assert page.locator(".counts .count").all_inner_texts() == ["2", "2", "0", "0", "0"]
    assert not Observation.objects.filter(year=YEAR).exists()

    page.click("button[value=import]")
    page.wait_for_selector("#batch-table")
    assert "导入完成" in page.inner_text(".messages")
    written = {o.region.code: o for o in Observation.objects.filter(year=YEAR, indicator__code="gdp")}
    assert written["320100"].value == pytest.approx(200.0, rel=1e-12)  # 2,000,000 万元 = 200 亿元
    assert {(o.recorded_by, o.status) for o in written.values()} == {(reporter, "submitted")}

    page.click("#batch-table th a:text('地区')")  # sorted by HTMX, the URL keeps the sort
    page.wait_for_url(re.compile(r"sort=region"))
    assert page.locator("#batch-table tbody tr").count() == 2

    page.goto(f"{live_server.url}/data/imports/")
    assert "nanjing-good.csv" in page.inner_text("#history-table")
    page.screenshot(path=str(tmp_path / "history.png"), full_page=True)
    assert page.problems == []
