"""Document intake (issue 17), pure Python: read a plan document, draft its targets and tasks.

    from deltawatch.methods.extract import read, draft_targets, draft_tasks, ExtractError
    doc = read("plan.docx")
    targets = draft_targets(doc, plan_period=(2021, 2025), catalogue=indicators_frame)
"""

from .reading import ExtractError, note_in, read
from .targets import draft_targets, parse_plan_period

__all__ = ["ExtractError", "draft_targets", "draft_tasks", "note_in", "parse_plan_period", "read"]


try:
    from .tasks import draft_tasks
except ImportError:     # tasks.py is written apart; until it is there, say so when called
    def draft_tasks(doc, *args, **kwargs):
        """The draft tasks of ``doc`` (``tasks.draft_tasks``, imported when first used)."""
        from .tasks import draft_tasks as _draft_tasks

        return _draft_tasks(doc, *args, **kwargs)
