"""意见建议: the public form with its spam and abuse guards, the office's inbox and answers."""

import csv
import io

import pytest
from django.test import Client

from deltawatch.site.models import Feedback
from deltawatch.site.services import RATE_LIMIT

pytestmark = pytest.mark.django_db

VALID = {"topic": "data", "text": "苏州市2021年人均GDP与年鉴不一致。", "name": "张三", "contact": "zs@example.com"}


def post(client, data=None, address="203.0.113.7"):
    return client.post("/feedback/", data or VALID, REMOTE_ADDR=address)


def test_the_feedback_page_opens_for_everyone(client, accounts):
    assert client.get("/feedback/").status_code == 200
    for username in ("js_office", "js_kjt", "nj_stats", "njnu_researcher", "admin"):
        client.force_login(accounts[username])
        assert client.get("/feedback/").status_code == 200


def test_a_visitor_leaves_feedback(client):
    response = post(client)
    assert response.status_code == 302 and response["Location"] == "/feedback/"
    (entry,) = Feedback.objects.all()
    assert (entry.topic, entry.text, entry.name, entry.contact, entry.status, entry.is_public) == \
        ("data", VALID["text"], "张三", "zs@example.com", "new", False)
    assert "感谢您的意见建议" in client.get("/feedback/").content.decode()


def test_a_forged_post_without_the_csrf_token_is_refused():
    response = Client(enforce_csrf_checks=True).post("/feedback/", VALID, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 403
    assert not Feedback.objects.exists()


def test_a_filled_honeypot_stores_nothing_and_looks_like_success(client):
    response = post(client, {**VALID, "website": "http://spam.example"})
    assert response.status_code == 302  # the bot is told nothing
    assert not Feedback.objects.exists()


def test_the_honeypot_is_hidden_by_a_class_not_an_inline_style(client):
    html = client.get("/feedback/").content.decode()
    start = html.index('<div class="hp" aria-hidden="true">')
    assert 'name="website"' in html[start:start + 800] and 'tabindex="-1"' in html[start:start + 800]
    assert "style=" not in html


def test_more_than_five_an_hour_from_one_address_are_refused(client):
    for k in range(RATE_LIMIT):
        assert post(client, {**VALID, "text": f"第{k}条"}).status_code == 302
    response = post(client, {**VALID, "text": "第六条"})
    assert response.status_code == 429
    assert "提交过于频繁" in response.content.decode()
    assert "第六条" in response.content.decode()  # what was typed is kept
    assert Feedback.objects.count() == RATE_LIMIT == 5
    assert post(client, {**VALID, "text": "另一个地址"}, address="198.51.100.9").status_code == 302
    assert Feedback.objects.count() == 6


def test_honeypot_hits_count_towards_the_rate_limit(client):
    for _k in range(RATE_LIMIT):
        post(client, {**VALID, "website": "x"})
    assert post(client).status_code == 429
    assert not Feedback.objects.exists()


def test_a_text_of_100000_characters_is_refused_and_kept_in_the_form(client):
    text = "长" * 100_000
    response = post(client, {**VALID, "text": text})
    assert response.status_code == 400
    html = response.content.decode()
    assert "不能超过 2000 个字符（现有 100000 个）" in html
    assert text in html  # the form keeps what was typed
    assert not Feedback.objects.exists()


@pytest.mark.parametrize("field, length", [("name", 101), ("contact", 201)])
def test_an_overlong_name_or_contact_is_refused(client, field, length):
    response = post(client, {**VALID, field: "x" * length})
    assert response.status_code == 400 and not Feedback.objects.exists()


def test_a_text_of_exactly_2000_characters_is_accepted(client):
    assert post(client, {**VALID, "text": "长" * 2000}).status_code == 302
    assert len(Feedback.objects.get().text) == 2000


@pytest.mark.parametrize("data", [{**VALID, "topic": ""}, {**VALID, "topic": "nonsense"}, {**VALID, "text": "   "}])
def test_a_missing_topic_or_text_is_refused(client, data):
    assert post(client, data).status_code == 400 and not Feedback.objects.exists()


def test_the_office_inbox_is_closed_to_the_public_and_other_roles(client, accounts):
    entry = Feedback.objects.create(topic="data", text="问题", name="张三", contact="zs@example.com")
    for url in ("/feedback/inbox/", f"/feedback/inbox/{entry.pk}/", "/feedback/inbox/?format=csv"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    for username in ("nj_stats", "js_kjt", "njnu_researcher"):
        client.force_login(accounts[username])
        assert client.get("/feedback/inbox/").status_code == 403
        assert client.get(f"/feedback/inbox/{entry.pk}/").status_code == 403
        response = client.post(f"/feedback/inbox/{entry.pk}/", {"answer": "改", "status": "answered", "is_public": "on"})
        assert response.status_code == 403
    entry.refresh_from_db()
    assert (entry.answer, entry.status, entry.is_public) == ("", "new", False)  # nothing changed
    for username in ("js_office", "admin"):
        client.force_login(accounts[username])
        assert client.get("/feedback/inbox/").status_code == 200
        assert client.get(f"/feedback/inbox/{entry.pk}/").status_code == 200
    assert client.get("/feedback/inbox/999999/").status_code == 404


def test_the_office_answers_and_the_public_sees_the_answer(client, accounts):
    post(client)
    entry = Feedback.objects.get()
    office = Client()
    office.force_login(accounts["js_office"])
    assert VALID["text"] in office.get("/feedback/inbox/").content.decode()
    response = office.post(f"/feedback/inbox/{entry.pk}/",
                           {"answer": "已按七普修订常住人口重算。", "status": "new", "is_public": "on"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == "answered"  # writing an answer answers it
    assert entry.answered_by == accounts["js_office"] and entry.answered_at is not None
    public = client.get("/feedback/").content.decode()
    answers = public[public.index('id="h-answers"'):]
    assert "已按七普修订常住人口重算。" in answers and VALID["text"] in answers
    assert "张三" not in public and "zs@example.com" not in public  # never the name or the contact


def test_an_answer_not_marked_public_stays_in_the_office(client, accounts):
    entry = Feedback.objects.create(topic="data", text="内部问题", status="answered", answer="内部答复")
    assert "内部答复" not in client.get("/feedback/").content.decode()
    client.force_login(accounts["nj_stats"])  # another role sees only published answers, too
    assert "内部答复" not in client.get("/feedback/").content.decode()
    entry.is_public = True
    entry.save()
    assert "内部答复" in client.get("/feedback/").content.decode()


def test_publishing_needs_an_answer(client, accounts):
    entry = Feedback.objects.create(topic="data", text="问题")
    client.force_login(accounts["js_office"])
    response = client.post(f"/feedback/inbox/{entry.pk}/", {"answer": "  ", "status": "new", "is_public": "on"})
    assert response.status_code == 400 and "公开前请先填写答复" in response.content.decode()
    entry.refresh_from_db()
    assert not entry.is_public


def test_a_script_in_feedback_is_shown_escaped_everywhere(client, accounts):
    script = "<script>alert('x')</script>"
    post(client, {**VALID, "text": f"看这里 {script}", "name": script, "contact": script})
    entry = Feedback.objects.get()
    assert entry.text == f"看这里 {script}"  # stored as typed
    office = Client()
    office.force_login(accounts["js_office"])
    office.post(f"/feedback/inbox/{entry.pk}/", {"answer": f"答复 {script}", "status": "answered", "is_public": "on"})
    escaped = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"
    for page in (client.get("/feedback/"), office.get("/feedback/inbox/"), office.get(f"/feedback/inbox/{entry.pk}/")):
        html = page.content.decode()
        assert escaped in html and "<script>alert" not in html


def test_the_inbox_filters_sorts_and_exports_what_it_shows(client, accounts):
    Feedback.objects.create(topic="data", text="=HYPERLINK(\"http://evil\")", status="new")
    Feedback.objects.create(topic="website", text="已答复的", status="answered", answer="好")
    client.force_login(accounts["js_office"])
    html = client.get("/feedback/inbox/?status=new").content.decode()
    assert "HYPERLINK" in html and "已答复的" not in html
    response = client.get("/feedback/inbox/?status=new&format=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 2 and rows[1][3] == "'=HYPERLINK(\"http://evil\")"  # formula made inert
    assert client.get("/feedback/inbox/?sort=-topic&status=bogus").status_code == 200  # unknown filter: ignored
    assert client.get("/feedback/inbox/", HTTP_HX_REQUEST="true").content.decode().lstrip().startswith("<p")


def test_the_scoping_rule_opens_every_entry_to_the_office_and_published_answers_to_others(accounts):
    from django.contrib.auth.models import AnonymousUser

    from deltawatch.accounts.scoping import restrict

    published = Feedback.objects.create(topic="data", text="公开", status="answered", answer="答", is_public=True)
    Feedback.objects.create(topic="data", text="未公开的答复", status="answered", answer="答")
    Feedback.objects.create(topic="data", text="待答复但勾了公开", is_public=True)
    Feedback.objects.create(topic="data", text="新来信")
    everything = Feedback.objects.all()
    for user in (AnonymousUser(), accounts["nj_stats"], accounts["js_kjt"], accounts["njnu_researcher"]):
        assert list(restrict(everything, user, "view")) == [published]
        assert not restrict(everything, user, "change").exists()
    for user in (accounts["js_office"], accounts["admin"]):
        assert restrict(everything, user, "view").count() == 4
        assert restrict(everything, user, "change").count() == 4
