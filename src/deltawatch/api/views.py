"""/api/tokens/: a signed-in user's personal API tokens — create (the secret shown once),
list, revoke. A token acts in one of the user's roles, optionally read only."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from deltawatch.accounts.choices import Role
from deltawatch.accounts.roles import roles_of

from .models import ApiToken

MAX_ACTIVE_TOKENS = 20


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("名称"), max_length=100,
                           help_text=gettext_lazy("写明用途，如“统计平台同步”"))
    role = forms.ChoiceField(label=gettext_lazy("角色"))
    read_only = forms.BooleanField(label=gettext_lazy("只读"), required=False, initial=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        mine = roles_of(user)
        self.fields["role"].choices = [(r.value, r.label) for r in Role if r.value in mine]


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    user = request.user
    form = TokenForm(request.POST or None, user=user)
    secret = None
    if request.method == "POST" and form.is_valid():
        if ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() >= MAX_ACTIVE_TOKENS:
            form.add_error(None, _("有效令牌已达 %(n)s 个，请先吊销不用的令牌。") % {"n": MAX_ACTIVE_TOKENS})
        else:
            token, secret = ApiToken.issue(user, form.cleaned_data["name"], form.cleaned_data["role"],
                                           form.cleaned_data["read_only"])
            form = TokenForm(user=user)
    rows = ApiToken.objects.filter(user=user)
    status = 400 if request.method == "POST" and secret is None else 200
    return render(request, "api/tokens.html", {"form": form, "tokens": rows, "secret": secret,
                                               "has_roles": bool(form.fields["role"].choices)}, status=status)


@login_required
@require_POST
def revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    if token.revoked_at is None:
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
        messages.success(request, _("已吊销令牌“%(name)s”：使用它的请求将被拒绝（401）。") % {"name": token.name})
    return redirect("api_tokens")
