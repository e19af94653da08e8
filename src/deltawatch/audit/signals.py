"""The one receiver pair that writes every change record of an audited model.

A model is audited in one of two ways, and both end in the same receivers below:

* it inherits :class:`~deltawatch.audit.models.AuditedModel` (timestamps and a snapshot);
* it cannot carry the timestamps — the observation table holds a million rows and has its
  own ``recorded_at`` — and is opted in by :func:`audit_model` (done in ``AuditConfig.ready``).

A model that keeps its history as revisions (an observation: a corrected value is a new row,
the old one stops being current) marks the new row with :func:`record_as_revision` before
saving it; the receiver then writes one *update* record whose old values are those of the
superseded revision, so a correction reads like an edit of any other model: who, when,
old value, new value.

What is not recorded, on purpose: the observations that imports insert in bulk through SQL
(``observations.services`` via ``core.bulk``). No signal fires for them, and a change record
per row would double a million-row import. Each of those rows is attributable all the same:
it names its :class:`~deltawatch.observations.models.ImportBatch` (file, its SHA-256, who,
when, counts) and its ``recorded_by``, and the value it replaced is kept as the previous
revision. Queryset ``update()`` calls (retiring a superseded revision's ``is_current``) are not
recorded either: the record of the new revision says what replaced what.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from .context import current_actor
from .models import AuditedModel, ChangeRecord, snapshot

# Models opted in without inheriting AuditedModel, with the fields their records leave out.
_OPTED_IN: dict[type, frozenset] = {}


def audit_model(model, *, skip=()):
    """Record every save and delete of ``model`` like those of an :class:`AuditedModel`."""
    _OPTED_IN[model] = frozenset(skip)


def record_as_revision(new, previous):
    """Record the coming first save of ``new`` as an update of ``previous``.

    For models that revise by inserting a row: the change record of ``new`` then holds
    ``previous``'s values as the old ones (including its id and revision number).
    """
    new._audit_revises = audit_snapshot(previous)


def audit_snapshot(instance) -> dict:
    """The values a change record compares, for either kind of audited model."""
    if isinstance(instance, AuditedModel):
        return instance.audit_snapshot()
    return snapshot(instance, skip=_OPTED_IN[type(instance)])


def _is_audited(sender) -> bool:
    return issubclass(sender, AuditedModel) or sender in _OPTED_IN


@receiver(pre_save)
def remember_old_values(sender, instance, raw=False, **kwargs):
    if not _is_audited(sender) or raw or instance.pk is None:
        return
    old = sender._default_manager.filter(pk=instance.pk).first()
    instance._audit_old = audit_snapshot(old) if old is not None else None


@receiver(post_save)
def record_save(sender, instance, created, raw=False, **kwargs):
    if not _is_audited(sender) or raw:
        return
    new = audit_snapshot(instance)
    # Popped, so that a later save of the same instance is compared afresh.
    revises = instance.__dict__.pop("_audit_revises", None)
    old = instance.__dict__.pop("_audit_old", None)
    if created:
        old = revises
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
        _write(instance, ChangeRecord.Action.DELETE, {k: [v, None] for k, v in audit_snapshot(instance).items()})


def _write(instance, action, changes):
    ChangeRecord.objects.create(
        content_type=ContentType.objects.get_for_model(type(instance)),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        action=action,
        changes=changes,
        user=current_actor(),
    )
