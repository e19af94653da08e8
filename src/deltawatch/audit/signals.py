"""The one receiver pair that writes every change record of an audited model."""

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from .context import current_actor
from .models import AuditedModel, ChangeRecord


def _is_audited(sender) -> bool:
    return issubclass(sender, AuditedModel)


@receiver(pre_save)
def remember_old_values(sender, instance, raw=False, **kwargs):
    if not _is_audited(sender) or raw or instance.pk is None:
        return
    old = sender._default_manager.filter(pk=instance.pk).first()
    instance._audit_old = old.audit_snapshot() if old is not None else None


@receiver(post_save)
def record_save(sender, instance, created, raw=False, **kwargs):
    if not _is_audited(sender) or raw:
        return
    new = instance.audit_snapshot()
    old = None if created else getattr(instance, "_audit_old", None)
    if old is None:
        changes = {k: [None, v] for k, v in new.items() if v not in (None, "")}
        action = ChangeRecord.Action.CREATE
    else:
        changes = {k: [old.get(k), v] for k, v in new.items() if old.get(k) != v}
        action = ChangeRecord.Action.UPDATE
        if not changes:
            return
    _write(instance, action, changes)


@receiver(post_delete)
def record_delete(sender, instance, **kwargs):
    if _is_audited(sender):
        _write(instance, ChangeRecord.Action.DELETE, {k: [v, None] for k, v in instance.audit_snapshot().items()})


def _write(instance, action, changes):
    ChangeRecord.objects.create(
        content_type=ContentType.objects.get_for_model(type(instance)),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        action=action,
        changes=changes,
        user=current_actor(),
    )
