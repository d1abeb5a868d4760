"""Web routes of the indicators app: public pages, city dashboard, NSI publications."""

from django.urls import path

from . import views, views_dashboard

app_name = "indicators"

urlpatterns = [
    path("indicators/", views.catalogue, name="catalogue"),
    path("indicators/<str:code>/", views.indicator_detail, name="indicator-detail"),
    path("indicators/<str:code>/subscribe/", views.indicator_subscribe, name="indicator-subscribe"),
    path("releases/", views.release_calendar, name="release-calendar"),
    path("releases/<int:pk>/", views.release_detail, name="release-detail"),
    path("city/", views_dashboard.city_dashboard, name="city-dashboard"),
    path("city/evidence/", views_dashboard.evidence_create, name="evidence-create"),
    path(
        "evidence/<int:pk>/document/", views_dashboard.evidence_document, name="evidence-document"
    ),
    path("pilots/<int:pk>/progress/", views_dashboard.pilot_progress, name="pilot-progress"),
    path("embed/indicators/<str:code>/", views_dashboard.embed_indicator, name="embed-indicator"),
    path("city/data-needs/", views.data_need_create, name="data-need-create"),
    path("nsi/publications/new/", views.publication_create, name="publication-create"),
    path("nsi/publications/<int:pk>/", views.publication_detail, name="publication-detail"),
    path(
        "nsi/publications/<int:pk>/schedule/",
        views.publication_schedule,
        name="publication-schedule",
    ),
]
