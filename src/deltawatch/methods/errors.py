"""The error the methods raise for input they cannot compute on."""

__all__ = ["InputError"]


class InputError(ValueError):
    """The data or the parameters given do not allow the computation (too few units, a
    negative value where a logarithm is taken, weights that do not sum to 1 …); the message
    says which and why.

    A ``ValueError``, so code that catches those keeps working; an application can catch this
    class alone and show its message, and let any other exception — a bug — surface.
    """
