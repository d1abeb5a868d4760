"""Routes of the partnerships API under /api/v1/."""

from django.urls import path

from ddms_platform.core.api import ApiRouter

from . import views
from .obligations import CompletenessViewSet, DeliverableViewSet
from .requests import DataRequestViewSet, FulfilmentViewSet, SubmissionViewSet
from .schemas import SchemaTemplateViewSet

router = ApiRouter()
router.register("countries", views.CountryViewSet, basename="country")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("contacts", views.ContactViewSet, basename="contact")
router.register("memberships", views.MembershipViewSet, basename="membership")
router.register("agreements", views.AgreementViewSet, basename="agreement")
router.register("case-studies", views.CaseStudyViewSet, basename="casestudy")
router.register("pilots", views.PilotViewSet, basename="pilot")
router.register("policies", views.PolicyViewSet, basename="policy")
router.register("communication-plans", views.CommunicationPlanViewSet, basename="communicationplan")
router.register("activities", views.ActivityViewSet, basename="activity")
router.register("knowledge-articles", views.KnowledgeArticleViewSet, basename="knowledgearticle")
router.register("data-requests", DataRequestViewSet, basename="datarequest")
router.register("submissions", SubmissionViewSet, basename="submission")
router.register("fulfilment", FulfilmentViewSet, basename="fulfilment")
router.register("schema-templates", SchemaTemplateViewSet, basename="schematemplate")
router.register("deliverables", DeliverableViewSet, basename="deliverable")
router.register("completeness", CompletenessViewSet, basename="completeness")

urlpatterns = [
    path(
        "communication-plans/<int:pk>/calendar.ics",
        views.PlanCalendarView.as_view(),
        name="communicationplan-calendar",
    ),
    # A file name, so no trailing slash: browsers and spreadsheets see a ".csv".
    path(
        "submissions/<int:pk>/report.csv",
        SubmissionViewSet.as_view({"get": "report_csv"}),
        name="submission-report-csv",
    ),
    *router.urls,
]
