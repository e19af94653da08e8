"""The interactive page at /api/docs, offline and under the site's Content-Security-Policy.

django-ninja bundles Swagger UI (its static files ``ninja/swagger-ui-bundle.js``,
``swagger-ui.css`` and ``swagger-ui-init.js``); the page here loads only those, from /static/ —
no CDN. The policy forbids inline script and style: the page has none — Swagger UI's settings
travel in a ``<script type="application/json">`` block, which is data, not script (CSP does not
apply to it), and are read by ninja's init file. The one relaxation, on these two addresses only,
is ``img-src data:``: Swagger UI's stylesheet draws its icons as data: SVGs. The settings turn
off Swagger UI's online validator badge (an image from validator.swagger.io)."""

from __future__ import annotations

import json

from csp.constants import SELF
from csp.decorators import csp_update
from django.shortcuts import render
from ninja.openapi.docs import DocsBase, _csrf_needed

docs_csp = csp_update({"img-src": [SELF, "data:"]})


class OfflineSwagger(DocsBase):
    template = "api/docs.html"
    settings = {"layout": "BaseLayout", "deepLinking": True, "validatorUrl": None, "persistAuthorization": False,
                "displayRequestDuration": True}

    def render_page(self, request, api, **kwargs):
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        return render(request, self.template, {"swagger_settings": json.dumps(settings), "api": api,
                                               "add_csrf": _csrf_needed(api)})
