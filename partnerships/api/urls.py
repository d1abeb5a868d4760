"""Routes of the partnerships API under /api/v1/."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
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

urlpatterns = [
    path(
        "communication-plans/<int:pk>/calendar.ics",
        views.PlanCalendarView.as_view(),
        name="communicationplan-calendar",
    ),
    *router.urls,
]
