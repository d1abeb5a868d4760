"""Routes of the partnerships API under /api/v1/."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from .requests import DataRequestViewSet, FulfilmentViewSet, SubmissionViewSet

router = DefaultRouter()
router.register("data-requests", DataRequestViewSet, basename="datarequest")
router.register("submissions", SubmissionViewSet, basename="submission")
router.register("fulfilment", FulfilmentViewSet, basename="fulfilment")

urlpatterns = [
    # A file name, so no trailing slash: browsers and spreadsheets see a ".csv".
    path(
        "submissions/<int:pk>/report.csv",
        SubmissionViewSet.as_view({"get": "report_csv"}),
        name="submission-report-csv",
    ),
    *router.urls,
]
