"""Routes of the DCAT-AP catalogue and the Frictionless Data Packages."""

from django.urls import path

from . import catalogue_views

urlpatterns = [
    path("catalog.ttl", catalogue_views.catalog_ttl, name="catalog-ttl"),
    path("catalog.jsonld", catalogue_views.catalog_jsonld, name="catalog-jsonld"),
    path(
        "indicators/<str:code>/datapackage.zip",
        catalogue_views.datapackage_zip,
        name="indicator-datapackage",
    ),
    # Codes are unique per owner NSI: its agency id names whose indicator is meant.
    path(
        "indicators/<str:agency>/<str:code>/datapackage.zip",
        catalogue_views.datapackage_zip,
        name="indicator-owned-datapackage",
    ),
]
