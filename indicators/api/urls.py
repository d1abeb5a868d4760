"""Routes of the indicators API under /api/v1/."""

from django.urls import path, re_path

from ddms_platform.core.api import ApiRouter

from . import evidence, open_data, views

router = ApiRouter()
router.register("territories", views.TerritoryViewSet, basename="territory")
router.register("indicators", views.IndicatorViewSet, basename="indicator")
router.register("working-observations", views.ObservationViewSet, basename="working-observation")
router.register("observation-loads", views.ObservationLoadViewSet, basename="observation-load")
router.register("observations", views.ReleasedObservationViewSet, basename="observation")
router.register("publications", views.PublicationViewSet, basename="publication")
router.register("publishing-policies", views.PublishingPolicyViewSet, basename="publishing-policy")
router.register("evidence", evidence.EvidenceUseViewSet, basename="evidence")

urlpatterns = [
    path("indicators/<str:code>/series/", open_data.SeriesView.as_view(), name="indicator-series"),
    re_path(
        r"^open-data/observations\.(?P<fmt>json|csv|sdmx\.csv)$",
        open_data.DownloadView.as_view(),
        name="open-data-observations",
    ),
    path("release-calendar/", open_data.CalendarView.as_view(), name="release-calendar"),
    path("release-calendar.ics", open_data.CalendarICSView.as_view(), name="release-calendar-ics"),
    path(
        "pilots/<int:pk>/monitoring/", open_data.MonitoringView.as_view(), name="pilot-monitoring"
    ),
    *router.urls,
]
