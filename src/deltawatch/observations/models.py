from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from .choices import Qualifier, Status


class ImportBatch(models.Model):
    """One import of one file: who, when, what file (hash), and what it changed."""

    file_name = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(_("文件校验值"), max_length=64, db_index=True)
    layout = models.CharField(_("表格格式"), max_length=20)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("导入人")
    )
    created_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    rows_read = models.PositiveIntegerField(_("读取行数"), default=0)
    rows_created = models.PositiveIntegerField(_("新增"), default=0)
    rows_revised = models.PositiveIntegerField(_("修订"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("未变"), default=0)

    class Meta:
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.file_name} @ {self.created_at:%Y-%m-%d %H:%M}"


# The periods of a value: '' the year, 'Q1'–'Q4' a quarter, 'M01'–'M12' a month (the codes of
# ``reporting.ReportingCycle.period``). A quarter's or a month's value is the period's own, as
# the form of its reporting cycle asks for it.
PERIOD_CHOICES = [("", _("全年")), *[(f"Q{q}", f"Q{q}") for q in range(1, 5)],
                  *[(f"M{m:02d}", f"M{m:02d}") for m in range(1, 13)]]


class AnnualManager(models.Manager):
    """``Observation.objects``: the annual values only (period ''), what every assessment, index,
    export and page of annual statistics reads. ``Observation.all_periods`` sees every row."""

    def get_queryset(self):
        return super().get_queryset().filter(period="")


class Observation(models.Model):
    """One revision of the value of an indicator for a region and year (or a quarter or month of it).

    A corrected value never overwrites: it is a new row with the next ``revision`` number,
    and the previous row stops being current. So the whole history of a value is kept,
    each revision with its source, who recorded it and when. At most one row per
    (region, indicator, year, period) is current.

    Two managers: ``all_periods`` is declared first, so Django's default manager (the admin,
    dumpdata, related managers, the audit's old-value lookup) sees every row; ``objects`` reads
    annual values only (``period=""``), so code written for annual statistics never mixes in a
    quarter's value of the same year. Code of sub-annual reporting (``reporting``) uses
    ``all_periods`` with the period it means.
    """

    # Indexes: the two unique constraints, keyed by indicator first, cover every lookup
    # (by indicator, by indicator and year, by series); the per-column foreign-key indexes
    # Django would add only slow down million-row imports. No database-level foreign-key
    # constraints either: on PostgreSQL their deferred checks cost 8 s per million rows at
    # commit, while every key written here was resolved against the same transaction's
    # regions and indicators, and Django's PROTECT still refuses to delete a referenced one.
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="observations", verbose_name=_("区域"),
        db_index=False, db_constraint=False,
    )
    indicator = models.ForeignKey(
        "indicators.Indicator", on_delete=models.PROTECT, related_name="observations", verbose_name=_("指标"),
        db_index=False, db_constraint=False,
    )
    year = models.PositiveSmallIntegerField(_("年份"))
    # db_default too: the importer inserts rows by SQL (``core.bulk``) without naming this column.
    period = models.CharField(_("报告期"), max_length=3, blank=True, default="", db_default="",
                              choices=PERIOD_CHOICES, help_text=_("年度值留空；季度 Q1–Q4；月度 M01–M12"))
    value = models.FloatField(_("数值"), help_text=_("以指标的计量单位表示"))
    revision = models.PositiveIntegerField(_("修订号"), default=1)
    is_current = models.BooleanField(_("现行值"), default=True)
    # Text columns, not bounded CharFields: what a file said is stored whole, the same on SQLite
    # and PostgreSQL (a varchar(300) would refuse or cut what SQLite keeps). The reader bounds
    # every cell it accepts (reader.limits.MAX_CELL_CHARS).
    value_supplied = models.TextField(_("原始数值"), blank=True)
    unit_supplied = models.TextField(_("原始单位"), blank=True)
    source = models.TextField(_("来源"), blank=True)
    qualifier = models.CharField(_("数值性质"), max_length=12, choices=Qualifier.choices, blank=True, default="",
                                 help_text=_("约数、下限、上限或初步数；准确值留空"))
    note = models.TextField(_("备注"), blank=True, default="",
                            help_text=_("口径说明、原文摘录等"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="observations",
        verbose_name=_("导入批次"), db_index=False, db_constraint=False,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("录入人"),
        related_name="+", db_index=False, db_constraint=False,
    )
    recorded_at = models.DateTimeField(_("录入时间"))

    all_periods = models.Manager()   # first: the default manager sees every period
    objects = AnnualManager()

    class Meta:
        default_manager_name = "all_periods"
        verbose_name = _("观测值")
        verbose_name_plural = _("观测值")
        ordering = ["indicator_id", "region_id", "year", "period", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "region", "year", "period", "revision"],
                                    name="observation_revision_unique"),
            models.UniqueConstraint(
                fields=["indicator", "region", "year", "period"], condition=Q(is_current=True),
                name="observation_one_current"
            ),
        ]

    def __str__(self):
        when = f"{self.year} {self.period}" if self.period else f"{self.year}"
        return f"{self.region.name_zh} · {self.indicator.code} · {when} = {self.value:g} (r{self.revision})"


def approved_values():
    """The newest approved revision of every value: what every stored assessment and index
    run reads (``progress.services.series_values``, ``indices.services.frame_from_database``).

    Why approved only: the runs are stored once and shown to everybody, the public included
    (the progress board, the overview's bars, a published index), and the public is shown
    approved data only (``accounts.scoping``). What is approved is what every assessment,
    index and bulletin uses; a value a reporter submitted (or a draft) moves no status until
    it is approved. Why the newest *approved* revision rather than the current row: a
    submitted correction of an approved value becomes the current row at once, and reading
    current rows only would drop that value from the runs (and so move the status) until
    the correction is approved.
    """
    newer = Observation.objects.filter(indicator_id=OuterRef("indicator_id"), region_id=OuterRef("region_id"),
                                       year=OuterRef("year"), status=Status.APPROVED,
                                       revision__gt=OuterRef("revision"))
    # the current row is the newest revision: only older ones need the subquery
    return Observation.objects.filter(Q(is_current=True) | ~Exists(newer), status=Status.APPROVED)
