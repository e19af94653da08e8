"""The acting user of the current request or command, for change records.

A context variable rather than a thread-local, so it also follows async code.
"""

from contextlib import contextmanager
from contextvars import ContextVar

_actor = ContextVar("deltawatch_actor", default=None)


def current_actor():
    """The user (or None) to whom changes made now are attributed."""
    return _actor.get()


@contextmanager
def acting_as(user):
    """Attribute every change made inside the block to ``user``."""
    token = _actor.set(user)
    try:
        yield user
    finally:
        _actor.reset(token)
