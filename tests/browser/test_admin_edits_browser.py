"""The admin's edits and lists in a real browser at 1366×768 (issue 11, items 7 and 9)."""

import pytest

from deltawatch.observations.models import Observation


pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 1366, 768


@pytest.fixture
def laptop_page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": WIDTH, "height": HEIGHT})
    yield context.new_page()
    context.close()


def login(page, live_server, admin_user):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", admin_user.username)
    page.fill("#id_password", "password")
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")


def table_overflow(page) -> int:
    """How many pixels the change list is wider than its box (0 when it fits)."""
    return page.evaluate("document.querySelector('#result_list').scrollWidth"
                         " - document.querySelector('.results').clientWidth")


def suzhou_gdp(year):
    return Observation.objects.filter(region__code="320500", indicator__code="gdp", year=year)


def test_lists_fit_and_edits_are_refused_or_sent_back_to_review(laptop_page, live_server, admin_user, yrd_default,
                                                                 tmp_path):
    page = laptop_page
    login(page, live_server, admin_user)

    page.goto(f"{live_server.url}/admin/observations/observation/?q=苏州市")
    listing = page.inner_text("#result_list")
    assert "亿元" in listing and "100m_yuan" not in listing
    assert table_overflow(page) <= 0
    page.screenshot(path=str(tmp_path / "observation_list.png"))

    page.goto(f"{live_server.url}/admin/indicators/target/")
    assert "3%以上" in page.inner_text("#result_list")
    assert table_overflow(page) <= 0  # 911 pixels too wide before
    page.screenshot(path=str(tmp_path / "target_list.png"))

    obs = suzhou_gdp(2019).get(is_current=True)
    page.goto(f"{live_server.url}/admin/observations/observation/{obs.pk}/change/")
    page.fill("#id_year", "2020")
    page.fill("#id_value", "99999")
    page.click("input[name=_save]")
    page.wait_for_selector(".errorlist")
    assert "已有现行值" in page.inner_text(".errorlist")
    assert page.input_value("#id_value") == "99999" and page.input_value("#id_year") == "2020"
    assert suzhou_gdp(2019).count() == 1 and suzhou_gdp(2020).count() == 1
    page.screenshot(path=str(tmp_path / "observation_collision.png"), full_page=True)

    page.goto(f"{live_server.url}/admin/observations/observation/{obs.pk}/change/")
    page.fill("#id_value", "19300")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist")
    assert "重新审核" in page.inner_text(".messagelist")
    assert sorted(suzhou_gdp(2019).values_list("revision", "status", "is_current")) == [
        (1, "approved", False), (2, "submitted", True)]
