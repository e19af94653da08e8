"""The office's forms: opening a reporting cycle, and the selection of an on-demand validation.

Bad input is refused with a message on the field and the page keeps what was typed (a bound
Django form re-rendered): a cycle that exists already, a period that is not the data set's,
a due date before the period ends, a year out of range, an unknown indicator or region.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from deltawatch.methods.validation import DEFAULT_THRESHOLDS
from deltawatch.regions.choices import Level

from .choices import PeriodType
from .models import DataSet, ReportingCycle
from .services import PERIOD_CHOICES, period_end

PERIODS = [("", _("全年（年报）"))] + [(p, p) for p in PERIOD_CHOICES["quarter"] + PERIOD_CHOICES["month"]]
OUTLIER_CHOICES = [
    ("zscore", _("z 分数（各区域间）")),
    ("modz", _("修正 z 分数（中位数/MAD，各区域间）")),
    ("iqr", _("四分位距（各区域间）")),
    ("history", _("本区域历年（修正 z 分数）")),
]
HISTORY_DEFAULT = DEFAULT_THRESHOLDS["modz"]


class OpenCycleForm(forms.Form):
    data_set = forms.ModelChoiceField(label=_("报表"), queryset=DataSet.objects.order_by("code"),
                                      empty_label=_("— 选择报表 —"))
    year = forms.IntegerField(label=_("年份"), min_value=1990, max_value=2100,
                              widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    period = forms.ChoiceField(label=_("报告期"), choices=PERIODS, required=False,
                               help_text=_("年报留空；季报 Q1–Q4；月报 M01–M12"))
    due_date = forms.DateField(label=_("截止日期"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                               help_text=_("留空：报告期结束后按报表的截止天数计算"))

    def clean(self):
        data = super().clean()
        data_set, year, period = data.get("data_set"), data.get("year"), data.get("period") or ""
        if data_set is None or year is None:
            return data
        wanted = PERIOD_CHOICES.get(data_set.period_type, ("",))
        if period not in wanted:
            kind = PeriodType(data_set.period_type).label
            self.add_error("period", _("“%(data_set)s”是%(kind)s，报告期应为：%(choices)s")
                           % {"data_set": data_set.name_zh, "kind": kind,
                              "choices": "、".join(p or str(_("留空")) for p in wanted)})
            return data
        if ReportingCycle.objects.filter(data_set=data_set, year=year, period=period).exists():
            self.add_error(None, _("“%(data_set)s”%(year)s%(period)s 的报告期已开启，不能重复开启。")
                           % {"data_set": data_set.name_zh, "year": year, "period": period})
        due = data.get("due_date")
        end = period_end(year, period)
        if due is not None and due <= end:
            self.add_error("due_date", _("截止日期 %(due)s 应晚于报告期结束日 %(end)s。")
                           % {"due": due.isoformat(), "end": end.isoformat()})
        return data


class ValidateForm(forms.Form):
    """The selection and the checks of ``/statistics/validate/`` (GET: the URL is the report's)."""

    indicator = forms.CharField(label=_("指标代码"), required=False,
                                help_text=_("逗号分隔，如 gdp,va_tertiary；留空为全部指标"))
    region = forms.CharField(label=_("区域"), required=False,
                             help_text=_("区划代码或名称，逗号分隔；留空为全部区域"))
    level = forms.ChoiceField(label=_("区域层级"), required=False,
                              choices=[("", _("全部层级"))] + list(Level.choices))
    year = forms.CharField(label=_("年份"), required=False, help_text=_("如 2023、2019-2023 或 2015,2020"))
    rules = forms.BooleanField(label=_("校验规则"), required=False)
    methods = forms.MultipleChoiceField(label=_("异常值方法"), required=False, choices=OUTLIER_CHOICES,
                                        widget=forms.CheckboxSelectMultiple)
    zscore = forms.FloatField(label=_("z 分数阈值"), required=False, min_value=0.1, max_value=100,
                              help_text=_("默认 %(t)s") % {"t": DEFAULT_THRESHOLDS["zscore"]})
    modz = forms.FloatField(label=_("修正 z 分数阈值"), required=False, min_value=0.1, max_value=100,
                            help_text=_("默认 %(t)s") % {"t": DEFAULT_THRESHOLDS["modz"]})
    iqr = forms.FloatField(label=_("四分位距倍数"), required=False, min_value=0.1, max_value=100,
                           help_text=_("默认 %(t)s") % {"t": DEFAULT_THRESHOLDS["iqr"]})
    history = forms.FloatField(label=_("历年修正 z 分数阈值"), required=False, min_value=0.1, max_value=100,
                               help_text=_("默认 %(t)s") % {"t": HISTORY_DEFAULT})

    def clean_indicator(self):
        from deltawatch.indicators.models import Indicator

        codes = [c.strip() for c in self.cleaned_data["indicator"].replace("，", ",").split(",") if c.strip()]
        known = set(Indicator.objects.filter(code__in=codes).values_list("code", flat=True))
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise forms.ValidationError(_("未知的指标：%(codes)s") % {"codes": "、".join(unknown)})
        return codes

    def clean_region(self):
        from django.db.models import Q

        from deltawatch.regions.models import Region

        codes = []
        for text in [t.strip() for t in self.cleaned_data["region"].replace("，", ",").replace("、", ",").split(",")]:
            if not text:
                continue
            code = Region.objects.filter(Q(code=text) | Q(name_zh=text) | Q(name_en__iexact=text)) \
                .values_list("code", flat=True).first()
            if code is None:
                raise forms.ValidationError(_("未知的区域：%(text)s") % {"text": text})
            codes.append(code)
        return codes

    def clean_year(self):
        from deltawatch.core.commandline import parse_years

        text = self.cleaned_data["year"].strip()
        try:
            return parse_years(text) or []
        except ValueError:
            raise forms.ValidationError(_("年份应写作 2019、2010-2020 或 2015,2020：%(text)s") % {"text": text}) from None

    def clean(self):
        data = super().clean()
        if not data.get("rules") and not data.get("methods"):
            raise forms.ValidationError(_("请至少选择校验规则或一种异常值方法。"))
        return data

    def selection(self) -> dict:
        """The region codes the selection names (a level: its regions), the indicators and years."""
        from deltawatch.regions.models import Region

        data = self.cleaned_data
        regions = list(data["region"])
        if data.get("level"):
            level = list(Region.objects.filter(level=data["level"]).values_list("code", flat=True))
            regions = [c for c in regions if c in set(level)] if regions else level
        named = bool(data["region"] or data.get("level"))  # a level with none of the named regions: nothing
        return {"indicators": data["indicator"] or None, "regions": regions if named else None,
                "years": data["year"] or None}

    def outlier_methods(self) -> dict:
        return {m: self.cleaned_data.get(m) for m in self.cleaned_data.get("methods", [])}
