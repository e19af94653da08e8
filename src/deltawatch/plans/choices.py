"""Kinds, categories and the closed loop's states and actions as named constants."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanKind(models.TextChoices):
    """The plan hierarchy of the seeds: national outline → provincial plan → city action plans,
    the "1+N" special plans, annual work plans and key cooperation item lists."""

    NATIONAL_OUTLINE = "national_outline", _("国家规划纲要")
    PROVINCIAL_PLAN = "provincial_plan", _("省实施方案")
    CITY_ACTION_PLAN = "city_action_plan", _("市行动计划")
    SPECIAL_PLAN = "special_plan", _("专项规划（1+N）")
    ANNUAL_WORK_PLAN = "annual_work_plan", _("年度工作计划")
    KEY_COOPERATION_LIST = "key_cooperation_list", _("重点合作事项清单")
    THREE_YEAR_PLAN = "three_year_plan", _("三年行动计划")


class TaskCategory(models.TextChoices):
    KEY_TASK = "key_task", _("重点工作任务")
    PLATFORM_PROJECT = "platform_project", _("重大平台项目")
    REFORM = "reform", _("重要改革举措")
    MAJOR_PROJECT = "major_project", _("重大工程")


class Priority(models.IntegerChoices):
    HIGH = 1, _("高")
    NORMAL = 2, _("中")
    LOW = 3, _("低")


class UnitRole(models.TextChoices):
    LEAD = "lead", _("牵头单位")
    PARTICIPANT = "participant", _("参与单位")


class State(models.TextChoices):
    """States of an assignment (and, derived from them, of a task)."""

    ASSIGNED = "assigned", _("待签收")
    IN_PROGRESS = "in_progress", _("办理中")
    CLOSE_REQUESTED = "close_requested", _("待复核")
    CLOSED = "closed", _("已办结")
    TERMINATED = "terminated", _("已终止")


OPEN_STATES = (State.ASSIGNED, State.IN_PROGRESS, State.CLOSE_REQUESTED)
FINAL_STATES = (State.CLOSED, State.TERMINATED)


class Action(models.TextChoices):
    """What a journal entry records: a transition of the closed loop, or an entry that leaves
    the state as it is (a report, an urge, an extension decision, a leader's instruction)."""

    ASSIGN = "assign", _("交办")
    ACCEPT = "accept", _("签收")
    REPORT = "report", _("报送进展")
    REQUEST_CLOSE = "request_close", _("申请办结")
    APPROVE = "approve", _("复核通过（办结销号）")
    RETURN = "return", _("退回")
    REQUEST_EXTENSION = "request_extension", _("申请延期")
    APPROVE_EXTENSION = "approve_extension", _("同意延期")
    REFUSE_EXTENSION = "refuse_extension", _("不同意延期")
    ADJUST = "adjust", _("调整")
    TERMINATE = "terminate", _("终止")
    URGE = "urge", _("催办")
    INSTRUCT = "instruct", _("领导批示")
    MILESTONE = "milestone", _("设定节点")
    MILESTONE_DONE = "milestone_done", _("节点完成")


class ExtensionState(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已同意")
    REFUSED = "refused", _("未同意")


class Light(models.TextChoices):
    """红 overdue, 黄 due within the warning window, 绿 on time; 完成 for closed or ended work."""

    RED = "red", _("红灯·已逾期")
    YELLOW = "yellow", _("黄灯·即将到期")
    GREEN = "green", _("绿灯·按期推进")
    DONE = "done", _("已办结或终止")


class NoticeKind(models.TextChoices):
    REMINDER = "reminder", _("到期提醒")
    OVERDUE = "overdue", _("逾期通知")
    ESCALATION = "escalation", _("逾期上报")
    URGE = "urge", _("催办")
    INSTRUCTION = "instruction", _("领导批示")
    ASSIGNED = "assigned", _("新交办任务")
    RETURNED = "returned", _("退回")
    CLOSED = "closed", _("已办结")
    REVIEW = "review", _("待复核")
    EXTENSION = "extension", _("延期")
    TERMINATED = "terminated", _("终止")
