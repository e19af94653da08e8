"""The admin in a real browser: log in, find an indicator, edit a value, switch to English."""

import pytest

from deltawatch.observations.models import Observation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, live_server, admin_user):
    page.goto(f"{live_server.url}/admin/")  # the site's front page is the overview; the admin asks to log in
    page.fill("#id_username", admin_user.username)
    page.fill("#id_password", "password")
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")


def test_log_in_search_edit_and_switch_language(page, live_server, admin_user, tmp_path):
    login(page, live_server, admin_user)
    assert "长三角一体化发展监测评估系统" in page.inner_text("#site-name")

    page.goto(f"{live_server.url}/admin/indicators/indicator/?q=gdp_per_capita")
    assert "人均地区生产总值" in page.inner_text("#result_list")

    obs = Observation.objects.get(region__code="320500", indicator__code="gdp", year=2019, is_current=True)
    page.goto(f"{live_server.url}/admin/observations/observation/{obs.pk}/change/")
    page.fill("#id_value", "19300")
    page.fill("#id_source", "更正：江苏统计年鉴2021")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist")
    revisions = Observation.objects.filter(region__code="320500", indicator__code="gdp", year=2019)
    assert sorted((r.revision, r.value, r.is_current) for r in revisions) == [(1, 19235.8, False), (2, 19300.0, True)]

    page.select_option("select[name=language]", "en")
    page.wait_for_selector("text=Yangtze River Delta")
    page.goto(f"{live_server.url}/admin/indicators/indicator/add/")
    assert "Indicator code" in page.content() or "indicator code" in page.content()
    page.screenshot(path=str(tmp_path / "admin-en.png"), full_page=True)
