"""Who sees which forms of the statistics workflow (registered with ``accounts.scoping.restrict``).

A reporter (统计填报) sees the forms of its own region and the regions below it, with their
journal and explanations; nothing of another region's form — the pages answer 404, as for a
form that does not exist. The office, the departments, the researchers see every form (the
role permissions say which of them may change anything; ``workflow.may`` says who may act).
"""

from deltawatch.accounts.choices import Role
from deltawatch.accounts.roles import roles_of
from deltawatch.accounts.scoping import row_rule, user_region_ids

_REPORTER = Role.REPORTER.value


def _reporter_only(user) -> bool:
    roles = roles_of(user)
    return _REPORTER in roles and not (roles - {_REPORTER})


@row_rule("reporting.form")
def _forms_of_my_region(queryset, user, action):
    if not _reporter_only(user):
        return queryset
    return queryset.filter(region_id__in=user_region_ids(user))


@row_rule("reporting.formjournal")
def _journal_of_my_forms(queryset, user, action):
    if not _reporter_only(user):
        return queryset
    return queryset.filter(form__region_id__in=user_region_ids(user))


@row_rule("reporting.explanation")
def _explanations_of_my_forms(queryset, user, action):
    if not _reporter_only(user):
        return queryset
    return queryset.filter(form__region_id__in=user_region_ids(user))
