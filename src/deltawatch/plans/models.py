"""The ledger's models: plans and their parts, tasks, assignments (one per unit of a task),
the immutable journal, reports and evidence, extensions, baselines and notifications.

Facts of the closed loop are never edited in place: each transition writes a
:class:`JournalEntry`, which refuses to be saved twice or deleted (``save``/``delete``, its
queryset, and the admin), and the rows it names are protected from deletion.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from deltawatch.audit.models import AuditedModel

from .choices import (Action, ExtensionState, Light, NoticeKind, OPEN_STATES, PlanKind, Priority, State,
                      TaskCategory, UnitRole)


def evidence_storage():
    """Evidence files live in the data directory, outside any served folder: a page hands one
    out only after checking that the reader belongs to the task (never a public URL)."""
    return FileSystemStorage(location=settings.DATA_DIR / "evidence", base_url=None)


class Plan(AuditedModel):
    code = models.SlugField(_("规划代码"), max_length=60, unique=True)
    name_zh = models.CharField(_("中文名称"), max_length=200)
    name_en = models.CharField(_("英文名称"), max_length=300, blank=True)
    kind = models.CharField(_("规划类型"), max_length=30, choices=PlanKind.choices)
    period_start = models.PositiveSmallIntegerField(_("起始年份"))
    period_end = models.PositiveSmallIntegerField(_("终止年份"))
    owner = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="plans",
                              verbose_name=_("牵头编制单位"))
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
                               verbose_name=_("上位规划"))
    source = models.CharField(_("来源文件"), max_length=300, blank=True)
    is_example = models.BooleanField(_("示例"), default=False, help_text=_("演示数据，非官方清单"))

    class Meta:
        verbose_name = _("规划")
        verbose_name_plural = _("规划")
        ordering = ["code"]
        constraints = [models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")),
                                              name="plans_plan_period_order")]

    def __str__(self):
        return self.name_zh

    def clean(self):
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("终止年份不能早于起始年份")})
        self.check_parent_cycle()

    def check_parent_cycle(self):
        """Refuse a parent chain that comes back to this plan (A ⊂ B ⊂ A)."""
        ancestor, seen = self.parent, {self.pk} if self.pk else set()
        while ancestor is not None:
            if ancestor.pk in seen or ancestor is self:
                raise ValidationError({"parent": _("上位规划不能形成循环：%(plan)s 已在其下级链中") % {"plan": ancestor}})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent

    def save(self, *args, **kwargs):
        self.check_parent_cycle()  # also when saved outside a form (admin, shell, import)
        super().save(*args, **kwargs)


class Section(AuditedModel):
    """A chapter of a plan, or a part of a chapter (the eight areas are the parts of 二 and 三)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections", verbose_name=_("规划"))
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children",
                               verbose_name=_("上级章节"))
    number = models.CharField(_("编号"), max_length=20, help_text=_("如 三(一)"))
    title = models.CharField(_("标题"), max_length=200)
    order = models.PositiveIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("章节")
        verbose_name_plural = _("章节")
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plans_section_unique_number")]

    def __str__(self):
        return f"{self.number} {self.title}"


class Measure(AuditedModel):
    """A measure (举措) and the sentence of the plan it comes from, with where that is."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="measures", verbose_name=_("章节"))
    code = models.CharField(_("编号"), max_length=30)
    title = models.CharField(_("举措"), max_length=200)
    source_sentence = models.TextField(_("原文"), blank=True)
    source_location = models.CharField(_("原文位置"), max_length=60, blank=True, help_text=_("如 三(一) 第2段"))
    order = models.PositiveIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("举措")
        verbose_name_plural = _("举措")
        ordering = ["section", "order"]
        constraints = [models.UniqueConstraint(fields=["section", "code"], name="plans_measure_unique_code")]

    def __str__(self):
        return f"{self.code} {self.title}"


class Task(AuditedModel):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("规划"))
    measure = models.ForeignKey(Measure, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks",
                                verbose_name=_("举措"))
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="subtasks",
                               verbose_name=_("上级任务"))
    code = models.CharField(_("序号"), max_length=30)
    title = models.CharField(_("任务"), max_length=500)
    description = models.TextField(_("任务说明"), blank=True)
    category = models.CharField(_("类别"), max_length=20, choices=TaskCategory.choices, default=TaskCategory.KEY_TASK)
    lead_unit = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="led_tasks",
                                  verbose_name=_("牵头单位"))
    regions = models.ManyToManyField("regions.Region", blank=True, related_name="tasks", verbose_name=_("涉及区域"))
    start_date = models.DateField(_("开始日期"), null=True, blank=True)
    due_date = models.DateField(_("完成时限"), null=True, blank=True, help_text=_("空：长期坚持"))
    deadline_text = models.CharField(_("时限原文"), max_length=40, blank=True, help_text=_("如 2025年6月底、长期坚持"))
    priority = models.PositiveSmallIntegerField(_("优先级"), choices=Priority.choices, default=Priority.NORMAL)
    indicators = models.ManyToManyField("indicators.Indicator", blank=True, related_name="tasks",
                                        verbose_name=_("关联指标"))
    targets = models.ManyToManyField("indicators.Target", blank=True, related_name="tasks", verbose_name=_("关联目标"))
    progress_note = models.TextField(_("进展情况"), blank=True, help_text=_("清单所列的进展情况"))
    status = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.ASSIGNED, db_index=True,
                              help_text=_("由各单位的办理状态得出：牵头单位办结即办结"))
    is_example = models.BooleanField(_("示例"), default=False, help_text=_("演示数据，非真实交办"))

    class Meta:
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        ordering = ["plan", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="plans_task_unique_code"),
            models.CheckConstraint(condition=Q(due_date__isnull=True) | Q(start_date__isnull=True)
                                   | Q(due_date__gte=models.F("start_date")), name="plans_task_due_after_start"),
        ]
        indexes = [models.Index(fields=["plan", "status"])]

    def __str__(self):
        return f"{self.code} {self.title[:40]}"

    def clean(self):
        if self.start_date and self.due_date and self.due_date < self.start_date:
            raise ValidationError({"due_date": _("完成时限（%(due)s）不能早于开始日期（%(start)s）")
                                   % {"due": self.due_date, "start": self.start_date}})
        ancestor, seen = self.parent, {self.pk}
        while ancestor is not None:
            if ancestor.pk in seen:
                raise ValidationError({"parent": _("上级任务不能形成循环")})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class Milestone(AuditedModel):
    """A node (节点) of a task: a dated deliverable."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("任务"))
    title = models.CharField(pgettext_lazy("milestone", "节点"), max_length=200)
    due_date = models.DateField(_("节点时间"))
    deliverable = models.CharField(_("成果形式"), max_length=200, blank=True)
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    order = models.PositiveIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = pgettext_lazy("milestone", "节点")
        verbose_name_plural = pgettext_lazy("milestone", "节点")
        ordering = ["task", "due_date", "order"]

    def __str__(self):
        return f"{self.title} ({self.due_date})"


class Assignment(models.Model):
    """One unit's part of a task (the lead's or a participant's), with its own state and dates.

    Not an AuditedModel: its history is the journal, written by ``workflow.transition`` in the
    same transaction as every change of state. ``version`` grows by one at each entry, so a
    transition made from a page that shows an older version is refused (one of two wins).
    """

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("任务"))
    unit = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="assignments",
                             verbose_name=_("承办单位"))
    role = models.CharField(_("角色"), max_length=12, choices=UnitRole.choices)
    state = models.CharField(_("办理状态"), max_length=20, choices=State.choices, default=State.ASSIGNED)
    version = models.PositiveIntegerField(_("版本"), default=1)
    due_date = models.DateField(_("完成时限"), null=True, blank=True)
    accept_by = models.DateField(_("签收时限"), null=True, blank=True)
    percent = models.PositiveSmallIntegerField(_("完成进度 (%)"), default=0)
    returns = models.PositiveSmallIntegerField(_("退回次数"), default=0)
    accepted_on = models.DateField(_("签收日期"), null=True, blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    updated_at = models.DateTimeField(_("最近办理时间"), default=timezone.now)

    class Meta:
        verbose_name = _("承办单位任务")
        verbose_name_plural = _("承办单位任务")
        ordering = ["task", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["task", "unit"], name="plans_assignment_one_per_unit"),
            models.UniqueConstraint(fields=["task"], condition=Q(role=UnitRole.LEAD), name="plans_assignment_one_lead"),
            models.CheckConstraint(condition=Q(percent__lte=100), name="plans_assignment_percent_range"),
        ]
        indexes = [models.Index(fields=["unit", "state", "due_date"]), models.Index(fields=["role", "state"])]

    def __str__(self):
        return f"{self.task.code} · {self.unit} · {self.get_state_display()}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class JournalQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("journal entries cannot be changed")

    def delete(self):
        raise PermissionError("journal entries cannot be deleted")


class JournalEntry(models.Model):
    """One entry of the closed loop: who, when, what (from → to), why, with what attachments.
    Written once; a second save or a delete raises ``PermissionError``."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="journal", verbose_name=_("任务"))
    assignment = models.ForeignKey(Assignment, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="journal", verbose_name=_("承办单位任务"))
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices)
    from_state = models.CharField(_("原状态"), max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20, choices=State.choices, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("操作人"))
    actor_unit = models.ForeignKey("accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("操作单位"))
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    comment = models.TextField(_("说明"), blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True, help_text=_("如延期前后的日期、批示领导"))
    version = models.PositiveIntegerField(_("办理版本"), null=True, blank=True)

    objects = JournalQuerySet.as_manager()

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["assignment", "at"]), models.Index(fields=["task", "at"])]

    def __str__(self):
        return f"{self.get_action_display()} · {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise PermissionError("journal entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("journal entries cannot be deleted")


class ProgressReport(models.Model):
    """A unit's report on its part: percentage and text; files in :class:`Evidence`."""

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="reports",
                                   verbose_name=_("承办单位任务"))
    journal = models.OneToOneField(JournalEntry, on_delete=models.PROTECT, related_name="report",
                                   verbose_name=_("办理记录"))
    percent = models.PositiveSmallIntegerField(_("完成进度 (%)"))
    text = models.TextField(_("进展情况"))
    created_at = models.DateTimeField(_("报送时间"), default=timezone.now)

    class Meta:
        verbose_name = _("进展报送")
        verbose_name_plural = _("进展报送")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(percent__lte=100), name="plans_report_percent_range")]

    def __str__(self):
        return f"{self.assignment} · {self.percent}%"


class Evidence(models.Model):
    """A file attached to a journal entry (a report's evidence, a return's marked-up draft),
    with its SHA-256, so that what was shown at review can be proved unchanged."""

    journal = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="attachments",
                                verbose_name=_("办理记录"))
    file = models.FileField(_("文件"), upload_to="%Y/%m/", storage=evidence_storage, max_length=300)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")

    def __str__(self):
        return self.name


class ExtensionRequest(models.Model):
    """申请延期: the old date is kept here whatever the decision."""

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="extensions",
                                   verbose_name=_("承办单位任务"))
    old_due = models.DateField(_("原完成时限"), null=True, blank=True)
    new_due = models.DateField(_("申请完成时限"))
    reason = models.TextField(_("延期理由"))
    state = models.CharField(_("审批状态"), max_length=10, choices=ExtensionState.choices,
                             default=ExtensionState.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("申请人"))
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("审批人"))
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_comment = models.TextField(_("审批意见"), blank=True)

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["-requested_at"]
        constraints = [models.UniqueConstraint(fields=["assignment"], condition=Q(state=ExtensionState.PENDING),
                                               name="plans_extension_one_pending")]

    def __str__(self):
        return f"{self.assignment} → {self.new_due}"


class Baseline(models.Model):
    """A plan's dates frozen at one moment, to compare the current plan with later."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="baselines", verbose_name=_("规划"))
    name = models.CharField(_("名称"), max_length=100)
    created_at = models.DateTimeField(_("冻结时间"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("冻结人"))

    class Meta:
        verbose_name = _("基线")
        verbose_name_plural = _("基线")
        ordering = ["plan", "-created_at"]

    def __str__(self):
        return f"{self.plan} · {self.name}"


class BaselineItem(models.Model):
    baseline = models.ForeignKey(Baseline, on_delete=models.CASCADE, related_name="items", verbose_name=_("基线"))
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="+", verbose_name=_("任务"))
    start_date = models.DateField(_("开始日期"), null=True, blank=True)
    due_date = models.DateField(_("完成时限"), null=True, blank=True)

    class Meta:
        verbose_name = _("基线任务")
        verbose_name_plural = _("基线任务")
        constraints = [models.UniqueConstraint(fields=["baseline", "task"], name="plans_baselineitem_unique")]


class Notification(models.Model):
    """An entry of a unit's (or one user's) inbox — the bell. ``event_key`` makes the reminder
    sweep idempotent: one notification per assignment, due date and tier, however often it runs."""

    kind = models.CharField(_("类型"), max_length=20, choices=NoticeKind.choices)
    unit = models.ForeignKey("accounts.Organisation", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="notifications", verbose_name=_("接收单位"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="notifications", verbose_name=_("接收人"))
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications",
                             verbose_name=_("任务"))
    assignment = models.ForeignKey(Assignment, null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="notifications", verbose_name=_("承办单位任务"))
    message = models.CharField(_("内容"), max_length=500)
    message_en = models.CharField(_("内容（英文）"), max_length=500, blank=True)
    event_key = models.CharField(_("事件"), max_length=120, null=True, blank=True, unique=True)
    light = models.CharField(_("灯"), max_length=10, choices=Light.choices, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["unit", "read_at"])]

    def __str__(self):
        return self.message[:60]

    def text(self) -> str:
        """The message in the reader's language (the Chinese one when no English was worded)."""
        return self.message_en if self.message_en and (get_language() or "").startswith("en") else self.message
