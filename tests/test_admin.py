"""The admin: every model's pages open in Chinese, and editing a value writes a revision."""

import pytest
from django.urls import reverse

from deltawatch.observations.models import Observation

pytestmark = pytest.mark.django_db

MODELS = ["regions/region", "regions/regiongroup", "indicators/indicator", "indicators/target",
          "indicators/dimension", "observations/observation", "observations/importbatch", "audit/changerecord",
          "progress/progressrun", "progress/progressassessment", "progress/statuschange",
          "indices/indexrun", "indices/indexscore", "indices/indexrankinterval", "indices/indexsensitivity",
          "accounts/organisation", "auth/user",
          "reporting/dataset", "reporting/reportingcycle", "reporting/form", "reporting/formjournal",
          "reporting/validationrule", "reporting/outlierflag", "reporting/explanation"]


@pytest.mark.parametrize("model", MODELS)
def test_changelist_opens(admin_client, model):
    app, name = model.split("/")
    response = admin_client.get(reverse(f"admin:{app}_{name}_changelist"))
    assert response.status_code == 200
    assert "长三角一体化发展监测评估系统" in response.content.decode()


def test_labels_are_chinese(admin_client):
    page = admin_client.get(reverse("admin:indicators_indicator_add")).content.decode()
    assert "指标代码" in page and "计量单位" in page and "指标方向" in page


def test_editing_a_value_in_the_admin_keeps_the_old_one(admin_client, admin_user):
    obs = Observation.objects.filter(region__code="320500", indicator__code="gdp", year=2019, is_current=True).get()
    url = reverse("admin:observations_observation_change", args=[obs.pk])
    response = admin_client.post(url, {
        "region": obs.region_id, "indicator": obs.indicator_id, "year": 2019, "value": "19300",
        "value_supplied": "19300", "unit_supplied": "亿元", "source": "更正: 统计年鉴2021", "status": "submitted",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    rows = Observation.objects.filter(region__code="320500", indicator__code="gdp", year=2019).order_by("revision")
    assert [(r.value, r.is_current) for r in rows] == [(19235.8, False), (19300.0, True)]
    assert rows.last().recorded_by == admin_user


def test_observations_cannot_be_deleted(admin_client):
    obs = Observation.objects.filter(is_current=True).first()
    response = admin_client.get(reverse("admin:observations_observation_delete", args=[obs.pk]))
    assert response.status_code == 403


def test_english_is_available(admin_client):
    admin_client.cookies["django_language"] = "en"
    page = admin_client.get(reverse("admin:indicators_indicator_add")).content.decode()
    assert "Yangtze River Delta" in page and "unit" in page.lower()
    assert "计量单位" not in page


def test_stored_assessments_open_and_cannot_be_edited(admin_client):
    from deltawatch.progress.models import ProgressAssessment
    from deltawatch.progress.services import run_progress

    run_progress()
    response = admin_client.get(reverse("admin:progress_progressassessment_changelist") + "?status=achieved")
    assert response.status_code == 200 and "已实现目标" in response.content.decode()
    stored = ProgressAssessment.objects.exclude(status="achieved").first()
    pk = stored.pk
    url = reverse("admin:progress_progressassessment_change", args=[pk])
    assert admin_client.get(url).status_code == 200  # view only
    assert admin_client.post(url, {"status": "achieved"}).status_code == 403
    assert ProgressAssessment.objects.get(pk=pk).status == stored.status
    assert admin_client.get(reverse("admin:progress_progressassessment_delete", args=[pk])).status_code == 403
