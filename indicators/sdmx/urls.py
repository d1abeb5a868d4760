"""Routes of the SDMX REST web service, mounted at /sdmx/."""

from django.urls import path, re_path

from . import views

app_name = "sdmx"

SEG = r"[^/]+"
urlpatterns = [
    # SDMX REST 2.x
    re_path(
        rf"^structure/(?P<kind>{SEG})(?:/(?P<agency>{SEG})(?:/(?P<resource>{SEG})(?:/(?P<version>{SEG}))?)?)?/?$",
        views.structure,
        name="structure",
    ),
    re_path(
        rf"^data/(?P<context>dataflow|datastructure|provisionagreement|\*)/(?P<agency>{SEG})/(?P<resource>{SEG})/(?P<version>{SEG})(?:/(?P<key>{SEG}))?/?$",
        views.data,
        name="data",
    ),
    # SDMX REST 1.5: /data/{flowRef}/{key} and /{type}/{agency}/{id}/{version}
    re_path(
        rf"^data/(?P<flow_ref>{SEG})(?:/(?P<key>{SEG}))?/?$", views.data_legacy, name="data-legacy"
    ),
    re_path(
        rf"^(?P<kind>dataflow|datastructure|codelist|conceptscheme|agencyscheme|structure)(?:/(?P<agency>{SEG})(?:/(?P<resource>{SEG})(?:/(?P<version>{SEG}))?)?)?/?$",
        views.structure,
        name="structure-legacy",
    ),
    path("", views.structure, {"kind": "dataflow"}, name="root"),
]
