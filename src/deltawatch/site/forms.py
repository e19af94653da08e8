"""The feedback form (意见建议) and the office's answer form."""

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from .choices import FeedbackStatus
from .models import ANSWER_MAX, CONTACT_MAX, NAME_MAX, TEXT_MAX, Feedback

HONEYPOT = "website"  # a field people never see (hidden by the .hp CSS class); bots fill it


def _too_long(limit: int):
    return _("不能超过 %(limit)d 个字符（现有 %%(show_value)d 个），请精简后再提交。") % {"limit": limit}


def limit_length(field: forms.Field, limit: int) -> None:
    """At most ``limit`` characters, refused with a worded message. New validator objects: the
    ones Django made are shared by every instance of the form, so they are replaced, not edited
    (a message set in one request's language would show in the next)."""
    field.max_length = limit
    field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
    field.validators.append(MaxLengthValidator(limit, message=_too_long(limit)))
    field.widget.attrs["maxlength"] = str(limit)


class FeedbackForm(forms.ModelForm):
    website = forms.CharField(label=_("网址（请勿填写）"), required=False,
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))

    class Meta:
        model = Feedback
        fields = ["topic", "text", "name", "contact"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 7}),
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "contact": forms.TextInput(attrs={"autocomplete": "email"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [("", _("请选择主题"))] + list(self.fields["topic"].choices)[1:]
        self.fields["text"].help_text = _("最多 %(n)d 字。") % {"n": TEXT_MAX}
        self.fields["name"].help_text = _("仅办公室可见。")
        self.fields["contact"].help_text = _("电话或电子邮箱；仅办公室可见，用于回复。")
        for name, limit in (("text", TEXT_MAX), ("name", NAME_MAX), ("contact", CONTACT_MAX)):
            limit_length(self.fields[name], limit)

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("请填写内容。"))
        return text

    @property
    def is_bot(self) -> bool:
        """The hidden field was filled: a bot, not a person (nothing is stored)."""
        return bool(self.data.get(HONEYPOT, "").strip())


class AnswerForm(forms.ModelForm):
    class Meta:
        model = Feedback
        fields = ["answer", "status", "is_public"]
        widgets = {"answer": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_length(self.fields["answer"], ANSWER_MAX)
        self.fields["answer"].help_text = _("保存有内容的答复后，状态自动改为“已答复”。最多 %(n)d 字。") % {"n": ANSWER_MAX}

    def clean(self):
        data = super().clean()
        answer = (data.get("answer") or "").strip()
        data["answer"] = answer
        if data.get("is_public") and not answer:
            self.add_error("is_public", _("公开前请先填写答复。"))
        if data.get("status") == FeedbackStatus.ANSWERED and not answer:
            self.add_error("answer", _("标记为已答复时须填写答复。"))
        if answer and data.get("status") == FeedbackStatus.NEW:
            data["status"] = FeedbackStatus.ANSWERED  # writing an answer answers it
        return data
