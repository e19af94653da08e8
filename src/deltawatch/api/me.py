"""Who the API takes the caller to be: user, roles (a token's: its one role), token."""

from __future__ import annotations

from ninja import Router

from deltawatch.accounts.roles import roles_of
from deltawatch.site.cache import data_version

from .auth import caller_user
from .core import ERRORS
from .schemas import Me

router = Router(tags=["me 当前用户"])


@router.get("/me", response={200: Me, **ERRORS}, summary="当前调用者 who am I")
def me(request):
    user = caller_user(request)
    token = request.auth.token
    return {"authenticated": user.is_authenticated, "username": user.get_username() if user.is_authenticated else None,
            "roles": sorted(roles_of(user)), "token": str(token) if token else None,
            "read_only": bool(token and token.read_only), "data_version": data_version()}
