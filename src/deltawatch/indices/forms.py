"""The form that starts an index build, uncertainty or sensitivity run as a background job."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from deltawatch.core.commandline import parse_years
from deltawatch.jobs.handlers import INDEX_BUILD, INDEX_SENSITIVITY, INDEX_UNCERTAINTY

JOB_KINDS = {"build": INDEX_BUILD, "uncertainty": INDEX_UNCERTAINTY, "sensitivity": INDEX_SENSITIVITY}
# (least, most, default) simulations: uncertainty runs; sensitivity the Saltelli N (N(d + 2) runs)
RUNS = {"uncertainty": (10, 5000, 1000), "sensitivity": (8, 512, 64)}
SPEC_OF_RUN = "run:"  # a spec choice "run:<id>": the spec stored with that run


class StartRunForm(forms.Form):
    """What to run: the kind, the spec (a shipped one, or the one stored with a run), the
    year(s) — a panel for a build, one year for the analyses — and the number of runs."""

    kind = forms.ChoiceField(label=_("运行类型"), choices=[
        ("build", _("构建指数")), ("uncertainty", _("不确定性分析（排名区间）")),
        ("sensitivity", _("敏感性分析（Sobol 指数）"))])
    spec = forms.ChoiceField(label=_("指数定义"))
    years = forms.CharField(label=_("年份"), max_length=40,
                            help_text=_("一个年份，如 2017；构建也可用区间，如 2010-2017"))
    runs = forms.IntegerField(label=_("模拟次数"), required=False, min_value=1,
                              help_text=_("不确定性分析：模拟次数（默认 1000）；敏感性分析：Saltelli 样本数 N（默认 64）"))
    seed = forms.IntegerField(label=_("随机种子"), required=False, min_value=0, initial=0,
                              help_text=_("相同种子、相同数据得到相同结果"))

    def __init__(self, *args, specs: list[tuple[str, str]], years: list[int], **kwargs):
        """``specs``: (value, label) of the specs offered; ``years``: the years with data."""
        super().__init__(*args, **kwargs)
        self.fields["spec"].choices = specs
        self.available_years = sorted(years)

    def clean_years(self) -> list[int]:
        text = self.cleaned_data["years"]
        try:
            years = parse_years(text) or []
        except ValueError:
            raise forms.ValidationError(_("年份应写作 2017、2010-2017 或 2015,2017")) from None
        missing = [y for y in years if y not in self.available_years]
        if missing:
            span = (f"{self.available_years[0]}–{self.available_years[-1]}" if self.available_years else "—")
            raise forms.ValidationError(_("没有 %(years)s 年的数据（有数据的年份：%(span)s）") % {
                "years": "、".join(map(str, missing[:5])), "span": span})
        return years

    def clean(self):
        data = super().clean()
        kind, years = data.get("kind"), data.get("years")
        if kind in RUNS:
            if years is not None and len(years) != 1:
                self.add_error("years", _("不确定性与敏感性分析只接受一个年份"))
            least, most, default = RUNS[kind]
            runs = data.get("runs") or default
            if not least <= runs <= most:
                self.add_error("runs", _("应在 %(least)s 到 %(most)s 之间") % {"least": least, "most": most})
            data["runs"] = runs
        return data

    def job(self) -> tuple[str, dict]:
        """The job kind and its parameters (JSON), once the form is valid."""
        data = self.cleaned_data
        spec = data["spec"]
        parameters = {"years": data["years"], "seed": data.get("seed") or 0}
        if spec.startswith(SPEC_OF_RUN):
            parameters["spec_run"] = int(spec[len(SPEC_OF_RUN):])
        else:
            parameters["spec"] = spec
        if data["kind"] in RUNS:
            parameters["runs"] = data["runs"]
        return JOB_KINDS[data["kind"]], parameters
