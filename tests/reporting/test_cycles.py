"""The workflow of a form: entry, submission, return, approval, locking and unlocking, per role;
completeness and reminders. Every refusal writes nothing."""

import datetime as dt

import pytest

from deltawatch.audit.models import ChangeRecord
from deltawatch.observations.models import Observation, approved_values
from deltawatch.observations.services import ImportFailed, import_observations
from deltawatch.plans.models import Notification
from deltawatch.reporting.choices import FormAction, FormState
from deltawatch.reporting.models import Form, FormJournal
from deltawatch.reporting.services import (
    completeness,
    enter_values,
    explain,
    open_cycle,
    remind,
)
from deltawatch.reporting.workflow import (
    TRANSITIONS,
    StaleForm,
    WorkflowError,
    allowed_actions,
    transition,
)

from .conftest import DUE, GOOD, NANJING, YEAR

pytestmark = pytest.mark.django_db


def nanjing_values():
    return {o.indicator.code: (o.value, o.status, o.revision)
            for o in Observation.objects.filter(region__code=NANJING, year=YEAR, is_current=True)
            .select_related("indicator")}


def written():
    return Observation.objects.count(), FormJournal.objects.count(), ChangeRecord.objects.count()


def fill_and_submit(form, people, values=GOOD):
    enter_values(form.pk, people["reporter"], values)
    return transition(form.pk, FormAction.SUBMIT, people["reporter"], version=form.version)


def test_open_cycle_is_idempotent(cycle, data_set, people):
    again, made = open_cycle(data_set, YEAR, user=people["office"])
    assert (again.pk, made, cycle.forms.count()) == (cycle.pk, 0, 2)


def test_entry_submit_return_fix_approve(nanjing_form, people):
    form = nanjing_form
    assert enter_values(form.pk, people["reporter"], GOOD) == 4
    assert {code: status for code, (_, status, _) in nanjing_values().items()} == dict.fromkeys(GOOD, "draft")
    form = transition(form.pk, FormAction.SUBMIT, people["reporter"], version=1)
    assert (form.state, form.version) == (FormState.SUBMITTED, 2)
    assert {s for _, s, _ in nanjing_values().values()} == {"submitted"}
    form = transition(form.pk, FormAction.RETURN, people["office"], version=2, comment="第三产业偏高，请核实")
    assert form.state == FormState.RETURNED
    assert {s for _, s, _ in nanjing_values().values()} == {"draft"}
    enter_values(form.pk, people["reporter"], {"va_tertiary": 62.5})
    form = transition(form.pk, FormAction.SUBMIT, people["reporter"], version=form.version)
    before = ChangeRecord.objects.count()
    form = transition(form.pk, FormAction.APPROVE, people["office"], version=form.version)
    assert form.state == FormState.APPROVED
    values = nanjing_values()
    assert {s for _, s, _ in values.values()} == {"approved"}
    assert values["va_tertiary"] == (62.5, "approved", 2)
    # one change record per value approved (the data version moves), attributed to the reviewer
    records = ChangeRecord.objects.order_by("-id")[:4]
    assert ChangeRecord.objects.count() - before == 4
    assert {(r.user.username, tuple(r.changes["status"])) for r in records} == {("office", ("submitted", "approved"))}
    journal = list(form.journal.values_list("action", "from_state", "to_state", "actor__username", "comment"))
    assert journal == [
        ("submit", "filling", "submitted", "nj", ""), ("return", "submitted", "returned", "office", "第三产业偏高，请核实"),
        ("submit", "returned", "submitted", "nj", ""), ("approve", "submitted", "approved", "office", "")]
    # the runs read approved values: Nanjing's 2030 GDP is now among them
    assert approved_values().filter(region__code=NANJING, year=YEAR, indicator__code="gdp").get().value == 100.0


ROLE_ACTIONS = {  # (role, state) → the actions the role may take on Nanjing's form
    ("reporter", FormState.FILLING): {"submit"}, ("reporter", FormState.SUBMITTED): set(),
    ("office", FormState.FILLING): set(), ("office", FormState.SUBMITTED): {"approve", "return"},
    ("office", FormState.APPROVED): {"unlock"}, ("reporter", FormState.APPROVED): set(),
    ("other_reporter", FormState.FILLING): set(), ("department", FormState.SUBMITTED): set(),
    ("researcher", FormState.SUBMITTED): set(), ("department", FormState.APPROVED): set(),
}


@pytest.mark.parametrize(("role", "state"), list(ROLE_ACTIONS))
def test_allowed_actions_per_role(nanjing_form, people, role, state):
    Form.objects.filter(pk=nanjing_form.pk).update(state=state)
    nanjing_form.refresh_from_db()
    assert set(allowed_actions(people[role], nanjing_form)) == ROLE_ACTIONS[(role, state)]


@pytest.mark.parametrize("action", list(TRANSITIONS))
@pytest.mark.parametrize("role", ["other_reporter", "department", "researcher"])
def test_refused_transitions_write_nothing(nanjing_form, people, action, role):
    Form.objects.filter(pk=nanjing_form.pk).update(state=TRANSITIONS[action].sources[0])
    before = written()
    with pytest.raises(WorkflowError, match="无权"):
        transition(nanjing_form.pk, action, people[role], version=1, comment="x")
    assert written() == before
    assert Form.objects.get(pk=nanjing_form.pk).version == 1


def test_wrong_state_and_missing_reason_are_refused(nanjing_form, people):
    before = written()
    with pytest.raises(WorkflowError, match="不能执行"):
        transition(nanjing_form.pk, FormAction.APPROVE, people["office"], version=1)
    assert written() == before
    fill_and_submit(nanjing_form, people)
    before = written()
    with pytest.raises(WorkflowError, match="须填写理由"):
        transition(nanjing_form.pk, FormAction.RETURN, people["office"], version=2, comment="  ")
    assert written() == before


def test_an_error_blocks_submission_and_a_warning_needs_an_explanation(nanjing_form, people):
    enter_values(nanjing_form.pk, people["reporter"], {**GOOD, "va_tertiary": 70.0})  # 2+35+70-1 = 106 > 100
    before = written()
    with pytest.raises(WorkflowError, match="校验错误"):
        transition(nanjing_form.pk, FormAction.SUBMIT, people["reporter"], version=1)
    assert written() == before
    enter_values(nanjing_form.pk, people["reporter"], {"gdp": 60000.0})  # error gone, warning (> 50000) instead
    with pytest.raises(WorkflowError, match="警告尚未说明"):
        transition(nanjing_form.pk, FormAction.SUBMIT, people["reporter"], version=1)
    explain(nanjing_form, people["reporter"], check="gdp-positive", indicator="gdp", year=YEAR, text="口径调整，已核实")
    assert transition(nanjing_form.pk, FormAction.SUBMIT, people["reporter"], version=1).state == FormState.SUBMITTED


def test_two_reviewers_at_once_one_wins_the_other_is_told(nanjing_form, people):
    fill_and_submit(nanjing_form, people)
    seen = Form.objects.get(pk=nanjing_form.pk).version  # both pages show version 2
    transition(nanjing_form.pk, FormAction.APPROVE, people["office"], version=seen)
    before = written()
    with pytest.raises(StaleForm) as stale:
        transition(nanjing_form.pk, FormAction.RETURN, people["office2"], version=seen, comment="不对")
    assert stale.value.current.state == FormState.APPROVED
    assert "已被他人更新" in str(stale.value) and "审核通过" in str(stale.value)
    assert written() == before
    assert {s for _, s, _ in nanjing_values().values()} == {"approved"}


def test_locked_values_change_only_after_unlock_and_every_revision_stays(nanjing_form, people, write_csv):
    fill_and_submit(nanjing_form, people)
    form = transition(nanjing_form.pk, FormAction.APPROVE, people["office"], version=2)
    before = written()
    with pytest.raises(WorkflowError, match="已锁定"):
        enter_values(form.pk, people["reporter"], {"gdp": 101.0})
    path = write_csv(f"region,indicator,year,value\n{NANJING},va_primary,{YEAR},2\n{NANJING},gdp,{YEAR},101\n")
    with pytest.raises(ImportFailed) as refused:
        import_observations(path, user=people["reporter"])
    report = refused.value.report("zh")
    assert "第3行" in report and "已锁定" in report and "第2行" not in report  # row 2 changes nothing
    assert "locked" in refused.value.report("en")
    assert written() == before
    with pytest.raises(WorkflowError, match="无权"):
        transition(form.pk, FormAction.UNLOCK, people["reporter"], version=3, comment="更正")
    form = transition(form.pk, FormAction.UNLOCK, people["office"], version=3, comment="统计局更正 GDP")
    assert form.state == FormState.FILLING
    enter_values(form.pk, people["reporter"], {"gdp": 101.0})
    history = list(Observation.objects.filter(region__code=NANJING, indicator__code="gdp", year=YEAR)
                   .order_by("revision").values_list("revision", "value", "status", "is_current"))
    assert history == [(1, 100.0, "approved", False), (2, 101.0, "draft", True)]
    # the approved value stays what the runs read until the correction is approved
    assert approved_values().get(region__code=NANJING, indicator__code="gdp", year=YEAR).value == 100.0
    assert form.journal.filter(action="unlock").get().comment == "统计局更正 GDP"


def test_reporter_cannot_enter_another_regions_data(cycle, people):
    suzhou = cycle.forms.exclude(region__code=NANJING).get()
    before = written()
    with pytest.raises(WorkflowError, match="无权填报"):
        enter_values(suzhou.pk, people["reporter"], GOOD)
    assert written() == before


@pytest.mark.parametrize("bad", ["abc", float("nan"), True, None])
def test_entry_refuses_what_is_not_a_number(nanjing_form, people, bad):
    before = written()
    with pytest.raises(WorkflowError, match="不是有效的数字"):
        enter_values(nanjing_form.pk, people["reporter"], {"gdp": 1.0, "va_primary": bad})
    assert written() == before


def test_completeness_by_hand(cycle, nanjing_form, people):
    # Nanjing: 3 of 4 cells typed, submitted before the due date; Suzhou: nothing.
    enter_values(nanjing_form.pk, people["reporter"], {"gdp": 100.0, "va_primary": 2.0, "va_secondary": 35.0})
    transition(nanjing_form.pk, FormAction.SUBMIT, people["reporter"], version=1)
    table = completeness(cycle, today=dt.date(2031, 4, 2)).set_index("region_code")
    assert table.loc[NANJING, ["state", "timeliness", "overdue", "filled", "expected"]].tolist() == [
        "submitted", "on_time", False, 3, 4]
    assert table.loc[NANJING, "share"] == pytest.approx(0.75)
    assert table.loc["320500", ["state", "timeliness", "overdue", "filled"]].tolist() == ["filling", "missing", True, 0]


def test_late_submission(cycle, nanjing_form, people):
    enter_values(nanjing_form.pk, people["reporter"], GOOD)
    transition(nanjing_form.pk, FormAction.SUBMIT, people["reporter"], version=1,
               when=dt.datetime(2031, 4, 3, 10, tzinfo=dt.UTC))
    assert completeness(cycle).set_index("region_code").loc[NANJING, "timeliness"] == "late"


def test_reminders_are_idempotent(cycle, nanjing_form, people):
    assert remind(today=DUE - dt.timedelta(days=10)) == 0  # more than 7 days ahead
    first = remind(today=DUE - dt.timedelta(days=6))
    # one notice per unit of each open form's region: Nanjing and Suzhou bureaus
    assert first == 2
    assert remind(today=DUE - dt.timedelta(days=5)) == 0  # same tier: nothing new
    fill_and_submit(nanjing_form, people)
    assert remind(today=DUE - dt.timedelta(days=1)) == 1  # the 1-day tier, Suzhou only (Nanjing submitted)
    assert set(Notification.objects.values_list("unit__code", flat=True)) == {"nj-tjj", "sz-tjj"}
    assert "测试报表" in Notification.objects.first().message


def test_outlier_flags_are_stored_once_and_verified_with_a_note(people):
    from deltawatch.audit.models import ChangeRecord as Record
    from deltawatch.reporting.models import OutlierFlag
    from deltawatch.reporting.services import (
        selection_frame,
        store_outlier_flags,
        validate,
        verify_flag,
    )

    report = validate(selection_frame(["gdp"], None, [2020]), rules=False, outliers=["iqr"])
    assert not report.empty
    assert store_outlier_flags(report) == len(report)
    assert store_outlier_flags(report) == 0  # again: nothing new
    flag = OutlierFlag.objects.first()
    with pytest.raises(WorkflowError, match="核实说明"):
        verify_flag(flag.pk, people["office"], " ")
    verify_flag(flag.pk, people["office"], "上海为直辖市，总量大属实")
    flag.refresh_from_db()
    assert (flag.verified, flag.verified_by.username) == (True, "office")
    assert Record.objects.filter(object_id=str(flag.pk), user=people["office"]).exists()
    store_outlier_flags(report)
    flag.refresh_from_db()
    assert flag.verified and flag.note == "上海为直辖市，总量大属实"


def test_an_import_reports_the_rules_over_its_values(data_set, write_csv):
    path = write_csv(f"region,indicator,year,value\n{NANJING},gdp,{YEAR},100\n{NANJING},va_primary,{YEAR},2\n"
                     f"{NANJING},va_secondary,{YEAR},35\n{NANJING},va_tertiary,{YEAR},70\n")
    outcome = import_observations(path, dry_run=True)
    assert outcome.checks[["region_code", "indicator", "check", "severity"]].values.tolist() == [
        [NANJING, "gdp", "gdp-parts", "error"]]


@pytest.mark.parametrize(("expression", "words"), [("gdp >= nothing", "未知指标"), ("gdp >= va_primary / 0", "除数恒为零"),
                                                   ("gdp va_primary", "左式 运算符 右式")])
def test_a_rule_is_checked_before_it_is_stored(data_set, expression, words):
    from django.core.exceptions import ValidationError

    from deltawatch.reporting.models import ValidationRule

    with pytest.raises(ValidationError, match=words):
        ValidationRule(name="x", kind="compare", expression=expression).clean()
    with pytest.raises(ValidationError, match="未知指标"):
        ValidationRule(name="y", kind="bounds", indicator="", minimum=0).clean()
    ValidationRule(name="z", kind="compare", expression="gdp >= va_primary").clean()  # a good rule passes
