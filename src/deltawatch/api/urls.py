"""/api/: the API (its OpenAPI description at /api/openapi.json, the interactive page at
/api/docs) and the page where a user manages personal API tokens (/api/tokens/)."""

from django.urls import path

from . import views
from .core import make_api
from .indicators import router as indicators
from .indices import router as indices
from .me import router as me
from .observations import router as observations
from .plans import router as plans
from .progress import router as progress
from .regional import router as regional
from .regions import router as regions
from .reports import router as reports

api = make_api()
for router in (me, regions, indicators, observations, progress, indices, regional, plans, reports):
    api.add_router("", router)

# No app_name here: ninja reverses its own views as "api:…" (its namespace), which must stay top level.
urlpatterns = [
    path("tokens/", views.tokens, name="api_tokens"),
    path("tokens/<int:pk>/revoke/", views.revoke, name="api_token_revoke"),
    path("", api.urls),
]
