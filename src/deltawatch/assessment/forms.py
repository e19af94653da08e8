"""The office's forms on a scheme's page: run it, a bonus or deduction item (加分 / 扣分), a
benchmark pair (对照学习), a unit's peer group (分类考核).

The rules are the models' and ``services``' (a reason is required, a benchmark must be one of
the scheme's units): the forms only read what was typed, so that a refusal shows the model's
own message next to the values the user typed.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from deltawatch.regions.models import Region

# (least, most) uncertainty runs the page accepts: 1000 runs of 41 units take about 8 s
RUNS = (20, 5000)


def unit_choices(scheme, english: bool = False) -> list[tuple[str, str]]:
    field = "name_en" if english else "name_zh"
    return [(code, f"{name or code} ({code})") for code, name in scheme.units().values_list("code", field)]


class RunForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "run-%s")
        super().__init__(*args, **kwargs)

    year = forms.IntegerField(label=_("考核年度"), min_value=1990, max_value=2100)
    runs = forms.IntegerField(label=_("不确定性模拟次数"), min_value=RUNS[0], max_value=RUNS[1],
                              help_text=_("1000 次约需 10 秒，页面会等待运行完成"))


class AdjustmentForm(forms.Form):
    """A reason is not required here: ``services.add_adjustment`` refuses an empty one with the
    model's message, and the page keeps what was typed."""

    region = forms.ChoiceField(label=_("单位"))
    year = forms.IntegerField(label=_("考核年度"), min_value=1990, max_value=2100)
    points = forms.FloatField(label=_("分值"), help_text=_("加分为正，扣分为负"))
    reason = forms.CharField(label=_("理由"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, scheme, english: bool = False, **kwargs):
        kwargs.setdefault("auto_id", "adjustment-%s")  # three forms on one page: ids of their own
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "—")] + unit_choices(scheme, english)


class BenchmarkForm(forms.Form):
    """The benchmark is typed (a code or a name) so that any region can be tried: one outside
    the scheme's units is refused by ``BenchmarkPair.clean`` with its message."""

    region = forms.ChoiceField(label=_("单位"))
    benchmark = forms.CharField(label=_("对照单位"), max_length=40,
                                help_text=_("区划代码或名称，如 320500 或 苏州市"),
                                widget=forms.TextInput(attrs={"list": "scheme-units"}))

    def __init__(self, *args, scheme, english: bool = False, **kwargs):
        kwargs.setdefault("auto_id", "benchmark-%s")  # three forms on one page: ids of their own
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "—")] + unit_choices(scheme, english)

    def clean_benchmark(self):
        text = self.cleaned_data["benchmark"].strip()
        code = text.rsplit("(", 1)[-1].rstrip(")").strip() if text.endswith(")") else text
        region = (Region.objects.filter(code=code).first() or Region.objects.filter(name_zh=text).first()
                  or Region.objects.filter(name_en__iexact=text).first())
        if region is None:
            raise forms.ValidationError(_("未知的单位：%(text)s（请写区划代码或名称）") % {"text": text})
        return region


class PeerForm(forms.Form):
    region = forms.ChoiceField(label=_("单位"))
    label = forms.CharField(label=_("类别"), max_length=40, help_text=_("如 1、2、3 或 中心城市"))

    def __init__(self, *args, scheme, english: bool = False, **kwargs):
        kwargs.setdefault("auto_id", "peer-%s")  # three forms on one page: ids of their own
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "—")] + unit_choices(scheme, english)
