"""Whole pages cached by data version (``site.cache.cached_page``): a page seen before costs a
cache read, and never shows what changed since, another visitor's page or another's CSRF token."""

import re

import pytest
from django.db import connection
from django.test import Client

from deltawatch.indicators.models import Indicator
from deltawatch.indicators.services import format_number
from deltawatch.indices.commands import load
from deltawatch.indices.models import IndexRun
from deltawatch.indices.services import frame_from_database, save_build
from deltawatch.methods.index import build
from deltawatch.observations.models import Observation
from deltawatch.site import cache as page_cache

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')


def queries_of(client, url):
    """The response and how many SQL statements answering it took."""
    count = [0]

    def counting(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counting):
        response = client.get(url)
    assert response.status_code == 200
    return response, count[0]


def test_a_page_seen_before_is_read_from_the_cache_with_the_same_content():
    client = Client()
    first, rendered = queries_of(client, "/indicators/")
    again, read = queries_of(client, "/indicators/")
    assert rendered > 3 and read <= 2  # the data version (and the session, for a signed-in user)
    strip = lambda html: TOKEN.sub("", html.decode())
    assert strip(again.content) == strip(first.content)


def test_a_cached_page_carries_the_visitors_own_working_csrf_token():
    Client().get("/indicators/")  # rendered for a first visitor and kept
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get("/indicators/").content.decode()
    tokens = set(TOKEN.findall(page))
    assert len(tokens) == 1
    other = set(TOKEN.findall(Client().get("/indicators/").content.decode()))
    assert tokens != other  # each visitor gets a token of their own, never the first visitor's
    answer = visitor.post("/i18n/setlang/", {"language": "en", "next": "/indicators/",
                                             "csrfmiddlewaretoken": tokens.pop()})
    assert answer.status_code == 302  # accepted: a wrong token is a 403
    refused = Client(enforce_csrf_checks=True)
    refused.get("/indicators/")
    assert refused.post("/i18n/setlang/", {"language": "en", "csrfmiddlewaretoken": "x" * 64}).status_code == 403


def test_an_edit_in_the_admin_shows_at_once():
    """Renaming an indicator moves no data version; the save moves the page's write count."""
    client = Client()
    indicator = Indicator.objects.get(code="gdp")
    assert indicator.name_zh in client.get("/indicators/").content.decode()
    indicator.name_zh = "地区生产总值（页面缓存测试）"
    indicator.save()
    assert "地区生产总值（页面缓存测试）" in client.get("/indicators/").content.decode()


def test_a_new_value_is_a_new_data_version_and_a_new_page():
    client = Client()
    newest = Observation.objects.filter(is_current=True, status="approved", indicator__code="gdp",
                                        region__code="320000").latest("year")
    url = "/indicators/gdp/?r=320000"
    before = client.get(url).content.decode()
    version = page_cache.data_version()
    # a revision as the importer writes it: a new row (bulk, no signals), the old one kept
    Observation.objects.filter(pk=newest.pk).update(is_current=False)
    newest.pk, newest.revision, newest.is_current, newest.value = None, newest.revision + 1, True, 987654.321
    Observation.objects.bulk_create([newest])
    assert page_cache.data_version() != version
    after = client.get(url).content.decode()
    shown = format_number(987654.321)
    assert shown not in before and shown in after


def test_a_withdrawn_run_is_not_served_to_the_public_from_the_cache():
    """Publishing is an update() in place (no new data version): the run page keys on it."""
    spec = load("yrd_hqd")
    data, vintage = frame_from_database(spec, years=[2017])
    run = save_build(build(spec, data, year=2017), source="database", vintage=vintage)
    public = Client()
    assert public.get(f"/indices/runs/{run.pk}/").status_code == 404
    IndexRun.objects.filter(pk=run.pk).update(is_published=True)
    assert public.get(f"/indices/runs/{run.pk}/").status_code == 200
    assert public.get(f"/indices/runs/{run.pk}/").status_code == 200  # now from the cache
    IndexRun.objects.filter(pk=run.pk).update(is_published=False)
    assert public.get(f"/indices/runs/{run.pk}/").status_code == 404


def test_the_public_and_an_account_never_share_a_page(django_user_model):
    user = django_user_model.objects.create_superuser("cache_probe", password="p" * 16)
    Client().get("/progress/")  # the public's page, kept
    signed_in = Client()
    signed_in.force_login(user)
    assert "cache_probe" in signed_in.get("/progress/").content.decode()
    assert "cache_probe" not in Client().get("/progress/").content.decode()


def test_a_page_with_a_one_time_message_is_neither_served_from_nor_kept_in_the_cache(django_user_model):
    from django.contrib.messages import constants

    user = django_user_model.objects.create_superuser("cache_probe2", password="p" * 16)
    client = Client()
    client.force_login(user)
    client.get("/regions/")  # kept
    storage_cookie = "messages"
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpRequest, HttpResponse

    request = HttpRequest()
    storage = CookieStorage(request)
    storage.add(constants.SUCCESS, "一次性提示（缓存测试）")
    response = HttpResponse()
    storage.update(response)
    client.cookies[storage_cookie] = response.cookies[storage_cookie].value
    assert "一次性提示（缓存测试）" in client.get("/regions/").content.decode()
    assert "一次性提示（缓存测试）" not in client.get("/regions/").content.decode()  # shown once


def test_a_form_under_csrf_protect_is_kept_too_and_posts_with_the_visitors_token(django_user_model, tmp_path,
                                                                                  settings):
    """The upload form's view runs csrf_protect itself, which sets the CSRF cookie on its answer:
    that cookie once kept the page out of the cache (12 ms a request under load)."""
    settings.DATA_DIR = tmp_path
    user = django_user_model.objects.create_superuser("cache_probe3", password="p" * 16)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    first, rendered = queries_of(client, "/data/upload/")
    again, read = queries_of(client, "/data/upload/")
    assert rendered > 3 and read <= 2
    token = TOKEN.search(again.content.decode()).group(1)
    answer = client.post("/data/upload/", {"csrfmiddlewaretoken": token, "layout": "auto"})
    assert answer.status_code == 200 and "数据文件" in answer.content.decode()  # the form, not a 403
