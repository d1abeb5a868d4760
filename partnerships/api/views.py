"""ViewSets of the registry API: organisations, agreements, case studies, pilots, plans, articles."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ddms_platform.core.storage import stored_file_response

from .. import selectors, services
from ..ical import plan_calendar
from ..models import Contact, Membership
from . import filters, serializers
from .base import RegistryPermission, ServiceViewSet
from .renderers import ICalendarRenderer


@extend_schema_view(
    retrieve=extend_schema(
        parameters=[OpenApiParameter("id", OpenApiTypes.STR, OpenApiParameter.PATH)]
    )
)
class CountryViewSet(viewsets.ReadOnlyModelViewSet):
    """Countries by ISO 3166-1 alpha-2 code (reference data)."""

    serializer_class = serializers.CountrySerializer
    search_fields = ["name", "code"]
    ordering_fields = ["name", "code"]

    def get_queryset(self) -> Any:
        return selectors.country_list()


class OrganisationViewSet(ServiceViewSet):
    """Organisations: the NSI, its regional offices and local partners."""

    serializer_class = serializers.OrganisationSerializer
    filterset_class = filters.OrganisationFilter
    search_fields = ["name", "short_name"]
    ordering_fields = ["name", "kind", "created_at"]
    selector = staticmethod(selectors.organisation_list)
    create_service = staticmethod(services.organisation_create)
    update_service = staticmethod(services.organisation_update)
    object_kw = "organisation"


class ContactPermission(RegistryPermission):
    """Contacts: NSI staff, or a partner's managers for their own organisation (the service checks)."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated)

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        return True


class ContactViewSet(ServiceViewSet, mixins.DestroyModelMixin):
    """Contact persons of organisations."""

    serializer_class = serializers.ContactSerializer
    permission_classes = [ContactPermission]
    filterset_class = filters.ContactFilter
    search_fields = ["name", "email", "position"]
    ordering_fields = ["name", "updated_at"]
    selector = staticmethod(selectors.contact_list)
    create_service = staticmethod(services.contact_create)
    update_service = staticmethod(services.contact_update)
    object_kw = "contact"

    def perform_update(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        # Moving a contact to another organisation is not an edit of this one.
        data.pop("organisation", None)
        obj = services.contact_update(
            contact=serializer.instance, actor=self.request.user, data=data
        )
        serializer.instance = self._reload(obj)

    def perform_destroy(self, instance: Contact) -> None:
        services.contact_remove(contact=instance, actor=self.request.user)


class MembershipViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Who acts for which organisation; NSI staff manage them, members read their own."""

    permission_classes = [RegistryPermission]
    filterset_class = filters.MembershipFilter
    search_fields = ["user__username", "organisation__name"]
    ordering_fields = ["created_at", "role"]

    def get_queryset(self) -> Any:
        return selectors.membership_list(self.request.user)

    def get_serializer_class(self) -> Any:
        if self.action in ("update", "partial_update"):
            return serializers.MembershipRoleSerializer
        return serializers.MembershipSerializer

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.membership_add(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = services.membership_update(
            membership=serializer.instance,
            actor=self.request.user,
            role=serializer.validated_data.get("role", serializer.instance.role),
        )

    def perform_destroy(self, instance: Membership) -> None:
        services.membership_remove(membership=instance, actor=self.request.user)


class AgreementViewSet(ServiceViewSet):
    """Partnership agreements with their parties, lifecycle, history and documents."""

    serializer_class = serializers.AgreementSerializer
    filterset_class = filters.AgreementFilter
    search_fields = ["reference", "title", "goals", "party_links__organisation__name"]
    ordering_fields = ["reference", "title", "state", "signed_on", "ends_on", "created_at"]
    selector = staticmethod(selectors.agreement_list)
    create_service = staticmethod(services.agreement_create)
    update_service = staticmethod(services.agreement_update)
    object_kw = "agreement"
    nested = {"party_links": "parties"}

    @extend_schema(
        request=serializers.TransitionSerializer,
        responses={200: serializers.AgreementSerializer},
        summary="Move the agreement to another state (400 names the allowed ones)",
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        agreement = self.get_object()
        body = serializers.TransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.agreement_transition(
            agreement=agreement, target=body.validated_data["target"], actor=request.user
        )
        return Response(self.get_serializer(self._reload(agreement)).data)

    @extend_schema(responses={200: serializers.AuditEntrySerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request: Request, pk: str | None = None) -> Response:
        agreement = self.get_object()
        entries = selectors.agreement_history(agreement)[:500]
        return Response(serializers.AuditEntrySerializer(entries, many=True).data)

    @extend_schema(
        methods=["GET"], responses={200: serializers.AgreementDocumentSerializer(many=True)}
    )
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": serializers.DocumentUploadSerializer},
        responses={201: serializers.AgreementDocumentSerializer},
        summary="Upload a new immutable version of a document (size and type checked)",
    )
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[MultiPartParser, FormParser],
        pagination_class=None,
        filter_backends=[],
    )
    def documents(self, request: Request, pk: str | None = None) -> Response:
        agreement = self.get_object()
        if request.method == "GET":
            documents = selectors.agreement_document_list(request.user, agreement)
            return Response(serializers.AgreementDocumentSerializer(documents, many=True).data)
        body = serializers.DocumentUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        document = services.agreement_document_add(
            agreement=agreement,
            title=body.validated_data["title"],
            upload=body.validated_data["file"],
            actor=request.user,
        )
        return Response(
            serializers.AgreementDocumentSerializer(document).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        parameters=[OpenApiParameter("document_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"documents/(?P<document_id>[0-9]+)/download",
        filter_backends=[],
    )
    def download(self, request: Request, pk: str | None = None, document_id: str = "") -> Any:
        agreement = self.get_object()
        document = get_object_or_404(
            selectors.agreement_document_list(request.user, agreement), pk=document_id
        )
        return stored_file_response(
            document.file,
            filename=document.original_name,
            content_type=document.content_type,
        )


class CaseStudyViewSet(ServiceViewSet):
    """Case studies (lessons learned) of agreements, with objectives planned vs achieved."""

    serializer_class = serializers.CaseStudySerializer
    filterset_class = filters.CaseStudyFilter
    search_fields = ["title", "narrative"]
    ordering_fields = ["title", "created_at"]
    selector = staticmethod(selectors.case_study_list)
    create_service = staticmethod(services.case_study_create)
    update_service = staticmethod(services.case_study_update)
    object_kw = "case_study"
    nested = {"objectives": "objectives"}

    @extend_schema(request=None, responses={200: serializers.KnowledgeArticleSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        article = services.case_study_publish(case_study=self.get_object(), actor=request.user)
        return Response(
            serializers.KnowledgeArticleSerializer(article, context={"request": request}).data
        )


class PilotViewSet(ServiceViewSet):
    """Pilot projects: a city, its NSI office, local government and partners."""

    serializer_class = serializers.PilotSerializer
    filterset_class = filters.PilotFilter
    search_fields = ["name", "city", "description"]
    ordering_fields = ["name", "city", "starts_on"]
    selector = staticmethod(selectors.pilot_list)
    create_service = staticmethod(services.pilot_create)
    update_service = staticmethod(services.pilot_update)
    object_kw = "pilot"
    nested = {"partners": "partners", "agreements": "agreements"}


class PolicyViewSet(ServiceViewSet):
    """Policies a pilot supports, each with its indicator targets."""

    serializer_class = serializers.PolicySerializer
    filterset_class = filters.PolicyFilter
    search_fields = ["name", "description", "targets__indicator_code"]
    ordering_fields = ["name", "kind"]
    selector = staticmethod(selectors.policy_list)
    create_service = staticmethod(services.policy_create)
    update_service = staticmethod(services.policy_update)
    object_kw = "policy"
    nested = {"targets": "targets"}


class CommunicationPlanViewSet(ServiceViewSet):
    """Communication plans of pilots and agreements (activities included read-only)."""

    serializer_class = serializers.CommunicationPlanSerializer
    filterset_class = filters.CommunicationPlanFilter
    search_fields = ["title", "objectives", "key_messages"]
    ordering_fields = ["title", "updated_at"]
    selector = staticmethod(selectors.plan_list)
    create_service = staticmethod(services.plan_create)
    update_service = staticmethod(services.plan_update)
    object_kw = "plan"


class ActivityViewSet(ServiceViewSet):
    """Activities of communication plans: releases, seminars, workshops, …"""

    serializer_class = serializers.ActivitySerializer
    filterset_class = filters.ActivityFilter
    search_fields = ["title", "location", "outcome"]
    ordering_fields = ["starts_at", "kind", "status"]
    selector = staticmethod(selectors.activity_list)
    create_service = staticmethod(services.activity_create)
    update_service = staticmethod(services.activity_update)
    object_kw = "activity"

    def perform_update(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        data.pop("plan", None)  # an activity stays in its plan
        obj = services.activity_update(
            activity=serializer.instance, actor=self.request.user, data=data
        )
        serializer.instance = self._reload(obj)


class KnowledgeArticleViewSet(ServiceViewSet):
    """Knowledge base: published articles for all signed-in users, drafts for NSI staff."""

    serializer_class = serializers.KnowledgeArticleSerializer
    filterset_class = filters.KnowledgeArticleFilter
    search_fields = ["title", "summary", "body"]
    ordering_fields = ["title", "published_at", "updated_at"]
    selector = staticmethod(selectors.article_list)
    create_service = staticmethod(services.article_create)
    update_service = staticmethod(services.article_update)
    object_kw = "article"

    @extend_schema(request=None, responses={200: serializers.KnowledgeArticleSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        article = services.article_publish(article=self.get_object(), actor=request.user)
        return Response(self.get_serializer(article).data)

    @extend_schema(request=None, responses={200: serializers.KnowledgeArticleSerializer})
    @action(detail=True, methods=["post"])
    def unpublish(self, request: Request, pk: str | None = None) -> Response:
        article = services.article_unpublish(article=self.get_object(), actor=request.user)
        return Response(self.get_serializer(article).data)


class PlanCalendarView(APIView):
    """The plan's activities as an iCalendar (.ics) feed."""

    permission_classes = [IsAuthenticated]
    renderer_classes = [ICalendarRenderer]

    @extend_schema(
        responses={(200, "text/calendar"): OpenApiResponse(OpenApiTypes.STR)},
        operation_id="communication_plans_calendar",
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        plan = get_object_or_404(selectors.plan_list(request.user), pk=pk)
        response = HttpResponse(plan_calendar(plan), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="plan-{plan.pk}.ics"'
        return response
