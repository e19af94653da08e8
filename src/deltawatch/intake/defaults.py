"""The document ``deltawatch init`` reads into the intake pages: Jiangsu's implementation plan
of the YRD outline (seed 001, an official document, shipped as scraped), its targets for
Jiangsu and its tasks for the ledger's plan of the same document — all drafts, pending."""

from __future__ import annotations

from pathlib import Path

from .models import SourceDocument

FILE = Path(__file__).resolve().parents[1] / "defaults" / "data" / "documents" / "js-implementation-plan.txt"


def load_intake_default(user=None) -> SourceDocument | None:
    from deltawatch.plans.models import Plan
    from deltawatch.regions.models import Region

    from . import services

    region = Region.objects.filter(code="320000").first()
    if region is None or SourceDocument.objects.filter(name=FILE.name).exists():
        return None
    plan = Plan.objects.filter(code="js-implementation").first()
    return services.ingest(FILE.read_bytes(), FILE.name, user=user, plan_period=(2019, 2025), region=region, plan=plan)
