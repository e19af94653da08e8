"""The REST API (django-ninja): what the pages show, for other systems — read with the same
scoping helper (``accounts.scoping.restrict``) as the pages, written through the same importer and
task workflow. Session or personal API token authentication (``auth``), per-token rate limits,
ETags and data versions. The routers are per domain; ``urls`` puts them together at /api/."""
