"""The role matrix in a real browser: each sample role signs in through the login form, the
navigation offers exactly the pages that role may open (数据导入 not for 部门, 研究人员 and the
public; 任务 for every role but the public and 统计填报; 统计填报 for the reporters, 统计审核 for the
office, the researchers and the administrators; the feedback inbox for the office; 系统管理 for the
administrators), and every page it offers opens with no console error and no failed request."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from deltawatch.accounts.choices import Role
from tests.browser.support import watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EVERYONE = ["总览", "指标", "地区", "目标进展", "评价指数", "区域差距", "绩效考核", "通报与报告", "意见建议"]
TASKS, UPLOAD, INBOX, ADMIN = "任务", "数据导入", "意见建议收件箱", "系统管理"
FORMS, REVIEW, INTAKE = "统计填报", "统计审核", "文件解析"
NAVIGATION = {  # role (account) → the navigation it sees, in order (the accounts seeing most first)
    None: EVERYONE,
    "sys_admin": EVERYONE[:8] + [TASKS, REVIEW, UPLOAD, INTAKE, "意见建议", INBOX, ADMIN],
    "js_office": EVERYONE[:8] + [TASKS, REVIEW, UPLOAD, INTAKE, "意见建议", INBOX],
    "js_kjt": EVERYONE[:8] + [TASKS, "意见建议"],
    "nj_stats": EVERYONE[:8] + [FORMS, UPLOAD, "意见建议"],
    "njnu_researcher": EVERYONE[:8] + [TASKS, REVIEW, INTAKE, "意见建议"],
}
ADMIN_PASSWORD = "matrix-test-only-9f3k"  # a test account's, in the test database only


def sign_in(page, base: str, username: str, password: str):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")


def navigation(page) -> list[tuple[str, str]]:
    return [(link.inner_text().strip(), link.get_attribute("href")) for link in page.locator("nav.primary a").all()]


def test_each_role_sees_and_opens_what_it_may(browser, live_server, yrd_default):
    admin = get_user_model().objects.create_superuser("sys_admin", password=ADMIN_PASSWORD)
    admin.groups.add(Group.objects.get(name=Role.ADMIN.value))
    passwords = {**yrd_default, "sys_admin": ADMIN_PASSWORD}
    assert set(NAVIGATION) - {None} <= set(passwords), "a sample account was not created afresh"
    drawn = set()  # (public?, address): every page is drawn in Chromium once signed in and once not
    for username, expected in NAVIGATION.items():
        context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768})
        page = context.new_page()
        problems = watch(page)
        if username:
            sign_in(page, live_server.url, username, passwords[username])
        else:
            page.goto(f"{live_server.url}/")
        links = navigation(page)
        assert [label for label, _href in links] == expected, username
        for label, href in links:
            if (username is None, href) in drawn:
                # drawn in the browser already, for an account as signed in (or not) as this one:
                # this role's answer is checked for its status and its navigation only
                answer = page.request.get(f"{live_server.url}{href}")
                assert answer.status == 200, f"{username}: {label} {href} → {answer.status}"
                assert f'<a href="{href}" aria-current="page">{label}</a>' in answer.text(), f"{username}: {href}"
                continue
            drawn.add((username is None, href))
            # networkidle: the page's own fetches (the map's boundaries) finish before the next
            # page is opened, which would abort them (a "failed request" of the test's making)
            response = page.goto(f"{live_server.url}{href}", wait_until="networkidle")
            assert response.status == 200, f"{username}: {label} {href} → {response.status}"
            if href.startswith("/admin/"):
                continue  # the admin has its own frame
            current = page.locator("nav.primary a[aria-current=page]")
            assert current.count() == 1 and current.inner_text().strip() == label, f"{username}: {href}"
        if username:  # signed in: the account area names the user and offers the password change
            page.goto(f"{live_server.url}/")
            assert username in page.inner_text(".account .who")
            assert page.locator(".account a[href='/accounts/password_change/']").count() == 1
        else:
            assert page.locator(".account a[href^='/accounts/login/']").count() == 1
        assert problems == [], f"{username}: {problems}"
        context.close()


def test_a_role_typing_the_address_of_a_page_it_may_not_open_is_refused(browser, live_server, yrd_default):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    sign_in(page, live_server.url, "js_kjt", yrd_default["js_kjt"])
    assert page.goto(f"{live_server.url}/data/upload/").status == 403
    assert page.goto(f"{live_server.url}/feedback/inbox/").status == 403
    context.close()
    public = browser.new_context(locale="zh-CN").new_page()
    public.goto(f"{live_server.url}/data/upload/")
    assert public.url.startswith(f"{live_server.url}/accounts/login/?next=/data/upload/")
    public.context.close()
