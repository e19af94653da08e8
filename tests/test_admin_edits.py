"""Editing observations in the admin (issue 11, item 7): a key collision is a form error, an
edited value goes back to review, and every edit is in the change record."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from deltawatch.audit.models import ChangeRecord
from deltawatch.observations.models import Observation
from deltawatch.observations.services import import_observations

pytestmark = pytest.mark.django_db

SUZHOU_GDP_2019 = 19235.8  # 苏州市 GDP 2019, 亿元, in the embedded city panel


def current(year, region="320500", indicator="gdp"):
    return Observation.objects.get(region__code=region, indicator__code=indicator, year=year, is_current=True)


def form_data(obs, **changes):
    """What the change form posts when nothing is touched, with ``changes`` typed over it."""
    data = {"region": obs.region_id, "indicator": obs.indicator_id, "year": obs.year, "value": repr(obs.value),
            "qualifier": obs.qualifier, "value_supplied": obs.value_supplied, "unit_supplied": obs.unit_supplied,
            "source": obs.source, "note": obs.note, "status": obs.status}
    data.update(changes)
    return data


def change_url(obs):
    return reverse("admin:observations_observation_change", args=[obs.pk])


def observation_records():
    return ChangeRecord.objects.filter(content_type=ContentType.objects.get_for_model(Observation))


def test_moving_a_value_onto_a_year_with_a_current_value_is_a_form_error(admin_client):
    obs, occupied = current(2019), current(2020)
    rows_before, records_before = Observation.objects.count(), ChangeRecord.objects.count()
    response = admin_client.post(change_url(obs), form_data(obs, year="2020", value="99999"))
    # Today: an IntegrityError on observation_one_current (a bare 500); now the form again.
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "已有现行值" in errors["year"][0] and "2020" in errors["year"][0]
    page = response.content.decode()
    assert 'value="99999"' in page and 'value="2020"' in page  # what the user typed is kept
    assert reverse("admin:observations_observation_change", args=[occupied.pk]) in page  # a link to the other
    assert Observation.objects.count() == rows_before and ChangeRecord.objects.count() == records_before
    assert current(2019).pk == obs.pk and current(2019).value == SUZHOU_GDP_2019 and current(2020).pk == occupied.pk


def test_the_collision_message_is_in_english_too(admin_client):
    obs = current(2019)
    admin_client.cookies["django_language"] = "en"
    response = admin_client.post(change_url(obs), form_data(obs, year="2020"))
    message = response.context["adminform"].form.errors["year"][0]
    assert "already has a current value" in message and "已有" not in message


def test_moving_a_value_to_a_free_year_retires_it_there_and_starts_a_history(admin_client):
    obs = current(2019)
    assert not Observation.objects.filter(region__code="320500", indicator__code="gdp", year=2041).exists()
    response = admin_client.post(change_url(obs), form_data(obs, year="2041"))
    assert response.status_code == 302
    moved = current(2041)
    assert moved.revision == 1 and moved.value == SUZHOU_GDP_2019  # first revision of its own key
    assert not Observation.objects.get(pk=obs.pk).is_current


def test_an_edited_approved_value_goes_back_to_review(admin_client):
    obs = current(2019)
    assert obs.status == "approved" and obs.revision == 1  # the embedded data are approved
    response = admin_client.post(change_url(obs), form_data(obs, value="19300", source="更正: 统计年鉴2021"),
                                 follow=True)
    assert response.status_code == 200
    rows = list(Observation.objects.filter(region__code="320500", indicator__code="gdp", year=2019)
                .order_by("revision"))
    assert [(r.revision, r.value, r.status, r.is_current) for r in rows] == [
        (1, SUZHOU_GDP_2019, "approved", False), (2, 19300.0, "submitted", True)]
    assert any("重新审核" in str(m) for m in response.context["messages"])


def test_an_explicit_draft_is_kept_and_a_status_only_change_approves(admin_client):
    obs = current(2019)
    admin_client.post(change_url(obs), form_data(obs, value="19300", status="draft"))
    draft = current(2019)
    assert (draft.revision, draft.status) == (2, "draft")
    # Approval is its own step, on an unchanged value: it is kept.
    admin_client.post(change_url(draft), form_data(draft, status="approved"))
    approved = current(2019)
    assert (approved.revision, approved.value, approved.status) == (3, 19300.0, "approved")


def test_a_value_cannot_be_changed_and_approved_in_one_save(admin_client):
    obs = current(2019)
    admin_client.post(change_url(obs), form_data(obs, status="submitted"))  # r2, submitted
    submitted = current(2019)
    admin_client.post(change_url(submitted), form_data(submitted, value="19301", status="approved"))
    assert (current(2019).value, current(2019).status) == (19301.0, "submitted")


def test_an_admin_edit_is_in_the_change_record_with_who_and_old_and_new_values(admin_client, admin_user):
    obs = current(2019)
    admin_client.post(change_url(obs), form_data(obs, value="19300", source="更正: 统计年鉴2021"))
    new = current(2019)
    record = observation_records().get(object_id=str(new.pk))
    assert record.user == admin_user and record.action == "update"
    assert record.changes["value"] == [SUZHOU_GDP_2019, 19300.0]
    assert record.changes["source"] == [obs.source, "更正: 统计年鉴2021"]
    assert record.changes["status"] == ["approved", "submitted"]
    assert record.changes["revision"] == [1, 2] and record.changes["id"] == [obs.pk, new.pk]
    assert "region_id" not in record.changes  # unchanged fields are not listed
    page = admin_client.get(reverse("admin:audit_changerecord_change", args=[record.pk])).content.decode()
    assert "<th>数值</th><td>19235.8</td><td>19300.0</td>" in page  # a table, not the JSON


def test_a_new_value_over_an_existing_one_is_recorded_as_its_update(admin_client, admin_user):
    obs = current(2019)
    response = admin_client.post(reverse("admin:observations_observation_add"),
                                 form_data(obs, value="19299", source="补录"))
    assert response.status_code == 302
    new = current(2019)
    assert new.revision == 2 and new.status == "submitted"
    record = observation_records().get(object_id=str(new.pk))
    assert record.action == "update" and record.changes["value"] == [SUZHOU_GDP_2019, 19299.0]


def test_a_save_without_changes_writes_no_revision(admin_client):
    obs = current(2019)
    response = admin_client.post(change_url(obs), form_data(obs))
    assert response.status_code == 302
    assert current(2019).pk == obs.pk and not observation_records().exists()


def test_a_superseded_revision_opens_read_only(admin_client):
    obs = current(2019)
    admin_client.post(change_url(obs), form_data(obs, value="19300"))
    # Today the old revision can be posted, and the save collides with revision 2: a 500.
    response = admin_client.post(change_url(obs), form_data(obs, value="1"))
    assert response.status_code == 403
    assert current(2019).value == 19300.0
    assert admin_client.get(change_url(obs)).status_code == 200  # still viewed


def test_imports_write_no_change_record_per_row(write_csv, django_user_model):
    """Imports are attributed through their batch and recorded_by, not a record per row."""
    user = django_user_model.objects.create(username="importer")
    import_observations(write_csv("region,indicator,year,value,unit\n南京,gdp,2035,20000,亿元\n"), user=user)
    row = current(2035, region="320100")
    assert row.batch is not None and row.batch.user == user and row.recorded_by == user
    assert not observation_records().exists()


def test_the_admin_refuses_deletion_and_a_deletion_elsewhere_is_recorded(admin_client, admin_user):
    from deltawatch.audit.context import acting_as

    obs = current(2019)
    assert admin_client.post(reverse("admin:observations_observation_delete", args=[obs.pk]), {"post": "yes"}
                             ).status_code == 403
    assert Observation.objects.filter(pk=obs.pk).exists()
    pk = obs.pk
    with acting_as(admin_user):  # e.g. from the Django shell
        obs.delete()
    record = observation_records().get(object_id=str(pk))
    assert record.action == "delete" and record.user == admin_user
    assert record.changes["value"] == [SUZHOU_GDP_2019, None]
