"""The error pages: a refusal and a missing page in the site's frame, worded, with a way back."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_refusal_says_why_in_the_site_frame(client, accounts):
    client.force_login(accounts["js_kjt"])  # a department: the feedback inbox is the office's
    response = client.get("/feedback/inbox/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "无权访问" in html and "什么也没有改变" in html and 'nav class="primary"' in html


def test_a_refusal_in_english(client, accounts):
    client.force_login(accounts["js_kjt"])
    html = client.get("/feedback/inbox/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Access denied" in html and "无权访问" not in html


def test_a_missing_page_offers_the_way_back(client):
    response = client.get("/indicators/no-such-indicator/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html and 'href="/"' in html
