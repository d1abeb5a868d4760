"""Web routes of the indicators app: public pages, city dashboard, NSI publications."""

from django.urls import path

from . import desk, views, views_dashboard

app_name = "indicators"

urlpatterns = [
    path("indicators/", views.catalogue, name="catalogue"),
    path("indicators/<str:code>/", views.indicator_detail, name="indicator-detail"),
    path("indicators/<str:code>/subscribe/", views.indicator_subscribe, name="indicator-subscribe"),
    # The canonical address: the owner NSI's SDMX agency id, then the code (unique per owner).
    path(
        "indicators/<str:agency>/<str:code>/",
        views.indicator_detail,
        name="indicator-owned-detail",
    ),
    path(
        "indicators/<str:agency>/<str:code>/subscribe/",
        views.indicator_subscribe,
        name="indicator-owned-subscribe",
    ),
    path("releases/", views.release_calendar, name="release-calendar"),
    path("releases/<int:pk>/", views.release_detail, name="release-detail"),
    path("portal/value/", views.partner_value, name="partner-value"),
    path("city/", views_dashboard.city_dashboard, name="city-dashboard"),
    path("city/evidence/", views_dashboard.evidence_create, name="evidence-create"),
    path(
        "evidence/<int:pk>/document/", views_dashboard.evidence_document, name="evidence-document"
    ),
    path("pilots/<int:pk>/progress/", views_dashboard.pilot_progress, name="pilot-progress"),
    path("embed/indicators/<str:code>/", views_dashboard.embed_indicator, name="embed-indicator"),
    path(
        "embed/indicators/<str:agency>/<str:code>/",
        views_dashboard.embed_indicator,
        name="embed-indicator-owned",
    ),
    path("city/data-needs/", views.data_need_create, name="data-need-create"),
    path("nsi/publishing-policy/", desk.publishing_policy, name="publishing-policy"),
    path("nsi/loads/new/", desk.load_create, name="load-create"),
    path("nsi/loads/<int:pk>/", desk.load_detail, name="load-detail"),
    path("nsi/publications/new/", desk.publication_create, name="publication-create"),
    path("nsi/publications/<int:pk>/", desk.publication_detail, name="publication-detail"),
    path(
        "nsi/publications/<int:pk>/schedule/",
        desk.publication_schedule,
        name="publication-schedule",
    ),
    path("nsi/publications/<int:pk>/diff/", desk.publication_diff, name="publication-diff"),
    path(
        "nsi/publications/<int:pk>/do/<slug:action>/",
        desk.publication_action,
        name="publication-action",
    ),
    path(
        "releases/<int:pk>/pre-release/",
        views.release_pre_release,
        name="release-pre-release",
    ),
]
