"""The roles as Django groups and the model permissions each holds.

Declared once here as data; ``ensure_roles`` makes the groups match it (idempotent: run by
``deltawatch init`` and after migrations). What rows of a model a role reaches is the business
of ``scoping.restrict``; the permissions here say which actions it may take at all.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

from .choices import Role

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
ALL = (VIEW, ADD, CHANGE, DELETE)

CATALOGUE = ("regions.region", "regions.regiongroup", "indicators.dimension", "indicators.indicator",
             "indicators.target")
STATISTICS = ("observations.observation", "observations.importbatch")
RESULTS = ("progress.progressrun", "progress.progressassessment", "progress.statuschange",
           "indices.indexrun", "indices.indexscore", "indices.indexrankinterval",
           "indices.indexsensitivity")
ACCOUNTS = ("accounts.organisation", "accounts.membership")
# The task ledger: who may make which transition is plans.workflow.TRANSITIONS; these say which
# rows a role may open at all (plans.scoping narrows them to the unit's tasks).
PLANS = ("plans.plan", "plans.section", "plans.measure", "plans.task", "plans.milestone", "plans.assignment",
         "plans.journalentry", "plans.progressreport", "plans.evidence", "plans.extensionrequest",
         "plans.baseline", "plans.baselineitem", "plans.notification")
# Reporting cycles (统计报表): who may submit, approve, return or unlock a form is
# reporting.workflow.TRANSITIONS; these open the rows in the admin and the pages.
REPORTING = ("reporting.dataset", "reporting.reportingcycle", "reporting.form", "reporting.formjournal",
             "reporting.validationrule", "reporting.outlierflag", "reporting.explanation")
# 绩效考核: the office defines schemes, peer groups, bonus items and benchmarks and runs them;
# researchers read them; units see their own results on the pages (assessment views).
ASSESSMENT = ("assessment.scheme", "assessment.peergroup", "assessment.adjustment", "assessment.benchmarkpair",
              "assessment.run", "assessment.result")
# 通报与评估报告: the office drafts, reviews, publishes; everyone reads what is published (reports views)
REPORTS = ("reports.report", "reports.reportevent", "reports.reportfile")
# 文件解析: the office reads documents in and decides on the drafts; researchers look
INTAKE = ("intake.sourcedocument", "intake.targetdraft", "intake.taskdraft")
FEEDBACK = "site.feedback"  # 意见建议: the office answers; others view the published answers (site.rules)

# role → {model label: actions}
ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Role.OFFICE: {
        **{label: ALL for label in CATALOGUE},
        **{label: (VIEW, ADD, CHANGE) for label in STATISTICS},
        **{label: (VIEW, ADD) for label in RESULTS},
        **{label: (VIEW, ADD, CHANGE) for label in ACCOUNTS},
        FEEDBACK: (VIEW, CHANGE),
        **{label: (VIEW, ADD, CHANGE) for label in PLANS},
        **{label: (VIEW, ADD, CHANGE) for label in REPORTING},
        **{label: (VIEW, ADD, CHANGE) for label in ASSESSMENT},
        **{label: (VIEW, ADD, CHANGE) for label in REPORTS},
        **{label: (VIEW, ADD, CHANGE) for label in INTAKE},
    },
    Role.DEPARTMENT: {
        **{label: (VIEW,) for label in CATALOGUE + STATISTICS + RESULTS},
        "accounts.organisation": (VIEW,),
        FEEDBACK: (VIEW,),
        **{label: (VIEW,) for label in PLANS},
        **{label: (VIEW,) for label in REPORTING},
    },
    Role.REPORTER: {
        **{label: (VIEW,) for label in CATALOGUE + RESULTS},
        **{label: (VIEW, ADD, CHANGE) for label in STATISTICS},
        "accounts.organisation": (VIEW,),
        FEEDBACK: (VIEW,),
        **{label: (VIEW,) for label in REPORTING},
        "reporting.explanation": (VIEW, ADD, CHANGE),  # a reporter explains its warnings
    },
    Role.RESEARCHER: {
        **{label: (VIEW,) for label in CATALOGUE + STATISTICS + RESULTS},
        "indices.indexrun": (VIEW, ADD),
        "indices.indexscore": (VIEW, ADD),
        "indices.indexrankinterval": (VIEW, ADD),
        "indices.indexsensitivity": (VIEW, ADD),
        "accounts.organisation": (VIEW,),
        FEEDBACK: (VIEW,),
        **{label: (VIEW,) for label in PLANS[:4]},
        **{label: (VIEW,) for label in REPORTING},
        **{label: (VIEW,) for label in ASSESSMENT},
        **{label: (VIEW,) for label in REPORTS},
        **{label: (VIEW,) for label in INTAKE},
    },
}


def _permissions(model_actions: dict[str, tuple[str, ...]]) -> list[Permission]:
    wanted = {(label.split(".")[0], f"{action}_{label.split('.')[1]}")
              for label, actions in model_actions.items() for action in actions}
    found = [p for p in Permission.objects.select_related("content_type")
             if (p.content_type.app_label, p.codename) in wanted]
    missing = wanted - {(p.content_type.app_label, p.codename) for p in found}
    if missing:
        raise LookupError(f"permissions not found (run migrate first?): {sorted(missing)}")
    return found


def ensure_roles() -> list[str]:
    """Create or update the role groups; the system administrators' group holds every
    permission. Returns the names of the groups whose permissions changed."""
    changed = []
    everything = list(Permission.objects.all())
    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.value)
        wanted = everything if role == Role.ADMIN else _permissions(ROLE_PERMISSIONS[role])
        if set(group.permissions.all()) != set(wanted):
            group.permissions.set(wanted)
            changed.append(role.value)
    return changed


def office_may(user, permission: str) -> bool:
    """The office (长三角办) holding ``permission`` — the office's work on a page: managing
    assessment schemes, issuing reports, deciding on intake drafts — or a system administrator."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or (Role.OFFICE.value in roles_of(user) and user.has_perm(permission))


def roles_of(user) -> set[str]:
    """The role names of a user (the public: none)."""
    if not user.is_authenticated:
        return set()
    if user.is_superuser:
        return {Role.ADMIN.value}
    return set(user.groups.values_list("name", flat=True)) & {r.value for r in Role}
