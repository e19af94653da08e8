"""What each kind of job does: ``HANDLERS`` maps a kind to its function, by reference.

A handler is ``handler(parameters, user, report) -> result URL``: ``parameters`` the JSON the
page queued, ``user`` who asked (or None), ``report(progress, message)`` to show how far it is.
It raises :class:`~deltawatch.jobs.services.JobError` with a worded message for a failure that
is the user's to fix.

The index jobs take the code path of ``deltawatch index build | uncertainty | sensitivity
--save`` (``indices.commands.cmd_build`` …): the spec, ``indices.services.frame_from_database``,
the engine of ``deltawatch.methods.index``, then ``indices.services.save_*``.
"""

from __future__ import annotations

import math

from django.urls import reverse
from django.utils.translation import gettext as _

from .services import JobError

INDEX_BUILD, INDEX_UNCERTAINTY, INDEX_SENSITIVITY = "index.build", "index.uncertainty", "index.sensitivity"

# Functions that queue a periodic job when it is due (and do nothing otherwise, cheaply); an idle
# worker calls each of them, so a daily sweep needs no cron and no scheduler process. An app
# appends its own in its AppConfig.ready (plans: the reminder sweep).
SCHEDULES: list = []


def index_spec(parameters: dict):
    """The spec of an index job: a shipped one by name (``spec``), or the spec stored with a
    saved run (``spec_run``: its id) — to re-run a spec that came from a file."""
    from deltawatch.indices.commands import load, packaged_specs
    from deltawatch.indices.models import IndexRun
    from deltawatch.methods.index import load_spec

    if parameters.get("spec_run"):
        run = IndexRun.objects.filter(pk=parameters["spec_run"]).first()
        if run is None:
            raise JobError(_("指数运行 #%(id)s 已不存在，无法读取其指数定义。") % {"id": parameters["spec_run"]})
        return load_spec(run.spec)
    name = parameters.get("spec")
    if name not in packaged_specs():
        raise JobError(_("未知的指数定义：%(name)s。") % {"name": name})
    return load(name)


def _database_input(spec, years: list[int], report):
    """(data, year for the engine, vintage), as ``indices.commands._input`` reads the database."""
    from deltawatch.indices.services import frame_from_database

    report(15, _("读取统计数据"))
    data, vintage = frame_from_database(spec, years=years, group=None)
    if data.empty:
        raise JobError(_("所选年份没有该指数所需的数据。"))
    year = years[0] if len(years) == 1 else None
    if year is not None and not spec.data.get("year"):
        data = data.drop(columns="year", errors="ignore")
    return data, year, vintage


def _weights_records(result) -> list[dict]:
    """The weights the build used (given and computed, e.g. entropy), JSON-ready."""
    rows = result.weights.to_dict("records")
    return [{key: (None if isinstance(value, float) and math.isnan(value) else value) for key, value in row.items()}
            for row in rows]


def _save_build(result, vintage, user):
    """``save_build``, and the weights the build used kept in the run's summary (the stored
    spec has only the given weights; entropy weights come from the data)."""
    from deltawatch.indices.services import save_build

    run = save_build(result, source="database", vintage=vintage, user=user)
    run.summary = {**run.summary, "weights": _weights_records(result)}
    run.save(update_fields=["summary"])
    return run


def _one_year(parameters: dict) -> list[int]:
    years = [int(y) for y in parameters.get("years") or []]
    if len(years) != 1:
        raise JobError(_("不确定性与敏感性分析只接受一个年份。"))
    return years


def index_build(parameters: dict, user, report) -> str:
    """``deltawatch index build SPEC --year … --save``."""
    from deltawatch.methods.index import build

    report(5, _("读取指数定义"))
    spec = index_spec(parameters)
    data, year, vintage = _database_input(spec, [int(y) for y in parameters.get("years") or []], report)
    report(40, _("构建指数"))
    result = build(spec, data, year=year)
    report(80, _("保存结果"))
    run = _save_build(result, vintage, user)
    return reverse("indices:run", args=[run.pk])


def _companion_build(spec, data, year, vintage, user) -> None:
    """A build of the same spec on the same data, unless one is stored: the page of an
    uncertainty run shows the scores beside the rank intervals."""
    from deltawatch.indices.choices import IndexRunKind
    from deltawatch.indices.models import IndexRun
    from deltawatch.methods.index import build
    from deltawatch.methods.index.table import data_hash, read_table

    digest = data_hash(read_table(spec, data, year))
    if not IndexRun.objects.filter(kind=IndexRunKind.BUILD, spec_digest=spec.digest(), data_hash=digest).exists():
        _save_build(build(spec, data, year=year), vintage, user)


def _analysis(parameters: dict, user, report, analyse, save, runs_of) -> str:
    """An uncertainty or sensitivity job: ``analyse(spec, data, runs, seed, year)`` on the
    database's values, a companion build, then ``save`` (with the runs ``runs_of(result)``
    counts) — the steps of ``deltawatch index uncertainty | sensitivity --save``."""
    report(5, _("读取指数定义"))
    spec = index_spec(parameters)
    data, year, vintage = _database_input(spec, _one_year(parameters), report)
    report(30, _("模拟计算"))
    result = analyse(spec, data, int(parameters["runs"]), int(parameters.get("seed", 0)), year)
    report(80, _("保存结果"))
    _companion_build(spec, data, year, vintage, user)
    run = save(result, spec, data, year=year, runs=runs_of(result), source="database", vintage=vintage, user=user)
    return reverse("indices:run", args=[run.pk])


def index_uncertainty(parameters: dict, user, report) -> str:
    """``deltawatch index uncertainty SPEC --year Y --runs N --seed S --save``."""
    from deltawatch.indices.services import save_uncertainty
    from deltawatch.methods.index.uncertainty import uncertainty

    return _analysis(parameters, user, report,
                     lambda spec, data, runs, seed, year: uncertainty(spec, data, runs=runs, seed=seed, year=year),
                     save_uncertainty, lambda result: len(result.choices))


def index_sensitivity(parameters: dict, user, report) -> str:
    """``deltawatch index sensitivity SPEC --year Y --n N --seed S --save``."""
    from deltawatch.indices.services import save_sensitivity
    from deltawatch.methods.index.uncertainty import sensitivity

    return _analysis(parameters, user, report,
                     lambda spec, data, runs, seed, year: sensitivity(spec, data, n=runs, seed=seed, year=year),
                     save_sensitivity, lambda result: len(result.output))


HANDLERS = {
    INDEX_BUILD: index_build,
    INDEX_UNCERTAINTY: index_uncertainty,
    INDEX_SENSITIVITY: index_sensitivity,
}
