from .context import acting_as


class CurrentUserMiddleware:
    """Attribute the changes a request makes to its logged-in user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user if getattr(request, "user", None) and request.user.is_authenticated else None
        with acting_as(user):
            return self.get_response(request)
