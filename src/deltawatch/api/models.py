"""Personal API tokens: ``Authorization: Bearer dw_<prefix>_<secret>``.

Only the SHA-256 of the secret is stored (the secret is 32 random bytes, so a fast hash is as
safe as a slow one: there is nothing to guess); the prefix finds the row. A token acts in one
of its owner's roles (``role``), optionally read only, until it is revoked.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deltawatch.accounts.choices import Role


def get_user_model_class():
    """The user model class at import time (auth.User unless AUTH_USER_MODEL says otherwise)."""
    from django.apps import apps

    return apps.get_model(settings.AUTH_USER_MODEL, require_ready=False)

TOKEN_START = "dw_"
PREFIX_LENGTH = 8  # hex characters: 4 bytes, enough to find the row; the secret does the proving


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens",
                             verbose_name=_("用户"))
    name = models.CharField(_("名称"), max_length=100)
    prefix = models.CharField(_("前缀"), max_length=16, unique=True)
    secret_hash = models.CharField(_("密钥摘要"), max_length=64, help_text=_("密钥的 SHA-256；密钥本身不保存"))
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    read_only = models.BooleanField(_("只读"), default=False)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name} ({TOKEN_START}{self.prefix}_…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def matches(self, secret: str) -> bool:
        return hmac.compare_digest(self.secret_hash, hash_secret(secret))

    @classmethod
    def issue(cls, user, name: str, role: str, read_only: bool = False) -> tuple["ApiToken", str]:
        """A new token and its full text (shown once; only its hash is kept)."""
        prefix = secrets.token_hex(PREFIX_LENGTH // 2)
        while cls.objects.filter(prefix=prefix).exists():  # 1 in 4 billion; cheap to be sure
            prefix = secrets.token_hex(PREFIX_LENGTH // 2)
        secret = secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, prefix=prefix, secret_hash=hash_secret(secret), role=role,
                                   read_only=read_only)
        return token, f"{TOKEN_START}{prefix}_{secret}"


class _ScopedGroups:
    """``user.groups`` of a :class:`ScopedUser`: the token's role only (the owner's groups
    otherwise). A descriptor, not a property: a property named like a field accessor is a
    system-check error (models.E025)."""

    def __get__(self, instance, owner):
        from django.contrib.auth.models import Group

        if instance is None:
            return self
        base = Group.objects.filter(user__pk=instance.pk)
        role = getattr(instance, "scope_role", None)
        return base.filter(name=role) if role else base


class ScopedUser(get_user_model_class()):
    """A token's user acting in the token's role (``auth.scoped_user``); never saved."""

    groups = _ScopedGroups()

    class Meta:
        proxy = True
        app_label = "api"
