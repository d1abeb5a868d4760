"""The network's part of tests/web/test_url_coverage.py: objects, page recipes, API names."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from indicators.kit import kit_zip, read_kit
from indicators.models import ComparabilityGroup, Indicator, IndicatorAdoption, KitImport

from ..factories import CountryFactory, OrganisationFactory

API_POST_ONLY = {"network-indicator-adopt", "network-kit-import-apply"}
API_OBJECTS = {
    "network-indicator": lambda w: w.indicator.pk,
    "network-adoption": lambda w: w.adoption.pk,
    "network-case-study": lambda w: w.case_study.pk,
    "network-article": lambda w: w.article.pk,
    "network-kit-import": lambda w: w.kit_import.pk,
    "comparison": lambda w: w.group.code,
    "pilot-kit": lambda w: w.pilot.pk,
}


def network_objects(w: SimpleNamespace) -> None:
    """Shared definitions, an adoption into a second country, a comparison and a kit import."""
    now = timezone.now()
    for obj in (w.indicator, w.case_study, w.article):
        type(obj).objects.filter(pk=obj.pk).update(shared_with_network=True, shared_at=now)
    country = CountryFactory(code="HR", name="Croatia")
    nsi_b = OrganisationFactory(name="NSI B", kind="nsi", country=country)
    adopted = Indicator.objects.create(
        owner=nsi_b, code="EN-1-B", name_en=w.indicator.name_en, unit="GWh", topic="energy"
    )
    w.group = ComparabilityGroup.objects.create(code="en-1", name_en=w.indicator.name_en)
    w.group.indicators.add(w.indicator, adopted)
    w.adoption = IndicatorAdoption.objects.create(
        source=w.indicator, adopted=adopted, group=w.group, organisation=nsi_b
    )
    package, sha256 = read_kit(kit_zip(w.pilot, agency="RZS"))
    w.kit_import = KitImport.objects.create(
        pilot=w.pilot, package=package, sha256=sha256, preview={"create": {}, "clashes": []}
    )


def network_recipes(recipe: Any) -> dict[str, Any]:
    """Page recipes of the network routes (`recipe` is the coverage test's Recipe class)."""
    return {
        "network:home": recipe("nsi_manager", "/network/"),
        "network:share": recipe("nsi_manager", "/network/share/"),
        "network:share-toggle": recipe(
            "nsi_manager",
            lambda w: f"/network/share/indicator/{w.indicator.pk}/",
            "post",
            {"shared": "1"},
        ),
        "network:adopt": recipe("admin", lambda w: f"/network/indicators/{w.indicator.pk}/adopt/"),
        "network:article-create": recipe("admin", "/network/articles/new/"),
        "network:kit-download": recipe(
            "nsi_manager", lambda w: f"/network/pilots/{w.pilot.pk}/kit.zip"
        ),
        "network:kit-import": recipe("nsi_manager", "/network/kit/import/"),
        "network:kit-import-detail": recipe(
            "nsi_manager", lambda w: f"/network/kit/imports/{w.kit_import.pk}/"
        ),
        "network:kit-import-apply": recipe(
            "nsi_manager", lambda w: f"/network/kit/imports/{w.kit_import.pk}/apply/", "post"
        ),
        "network:compare-list": recipe(None, "/compare/"),
        "network:compare-detail": recipe(None, lambda w: f"/compare/{w.group.code}/"),
    }
