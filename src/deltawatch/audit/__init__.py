"""Who changed what, when: one change record per save or delete of an audited model.

Every model a person edits is audited: those that inherit ``AuditedModel`` and the
observations (opted in by ``AuditConfig.ready``; an edit of a value is recorded as an update
of the revision it supersedes). Observations inserted in bulk by an import get no per-row
record — they are attributed through their import batch and ``recorded_by``; see
``audit.signals`` for why.
"""
