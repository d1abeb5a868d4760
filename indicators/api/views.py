"""Indicators API: territories, indicators, observations, loads and publications."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import SAFE_METHODS, AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from ddms_platform.core.httpcache import CachedPublicReadMixin
from ddms_platform.core.permissions import (
    NSI_KINDS,
    IsNSIStaff,
    PublicReadNSIWrite,
    is_nsi_staff,
    member_org_ids,
)
from ddms_platform.core.scoping import visible_queryset
from partnerships.models import Organisation

from .. import services
from ..models import Indicator, Observation, ObservationLoad, Publication, Territory
from ..selectors.lineage import observation_lineage
from ..selectors.publications import (
    indicators_visible,
    public_version,
    publications_visible,
    released_observations_visible,
    staff_indicators,
    staff_publications,
)
from ..selectors.territories import staff_territories
from . import filters, serializers


class AmbiguousCode(APIException):
    """Two visible rows share the code (two countries' ELEC_HH): name the owner too."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "ambiguous_code"
    default_detail = "Several rows have this code; name the owner as OWNER:CODE."


class OwnedCodeLookupMixin:
    """Detail URLs by code, unique per owner: `CODE` while one visible row has it, else
    `OWNER:CODE` (or `?owner=OWNER`); OWNER is the field `owner_lookup` names (an NSI's SDMX
    agency id, a territory's country code)."""

    owner_lookup = "owner__agency_id"
    kwargs: dict[str, Any]

    def get_object(self) -> Any:
        qs = self.filter_queryset(self.get_queryset())  # type: ignore[attr-defined]
        value = str(self.kwargs["code"])
        request: Request = self.request  # type: ignore[attr-defined]
        owner = request.query_params.get("owner", "")
        if ":" in value:
            owner, value = value.split(":", 1)
        qs = qs.filter(code=value)
        if owner:
            qs = qs.filter(**{f"{self.owner_lookup}__iexact": owner})
        found = list(qs[:2])
        if not found:
            raise Http404
        if len(found) > 1:
            raise AmbiguousCode()
        self.check_object_permissions(request, found[0])  # type: ignore[attr-defined]
        return found[0]


def _writing(request: Request) -> bool:
    # Writes and transitions find their object among the writer's own country's rows only,
    # so a foreign id answers 404 exactly like a missing one (reads may show public rows).
    return request.method not in SAFE_METHODS


class TerritoryViewSet(OwnedCodeLookupMixin, CachedPublicReadMixin, viewsets.ModelViewSet):
    """Territories: public to read, NSI staff write (one at a time or a CSV import)."""

    content_version = staticmethod(public_version)

    serializer_class = serializers.TerritorySerializer
    permission_classes = [PublicReadNSIWrite]
    filterset_class = filters.TerritoryFilter
    search_fields = ["code", "name_en", "name_sr_latn", "name_sr_cyrl"]
    lookup_field = "code"
    lookup_value_regex = r"[^/]+"
    http_method_names = ["get", "post", "patch", "head", "options"]

    owner_lookup = "country_id"

    def get_queryset(self) -> QuerySet[Territory]:
        if _writing(self.request):
            return staff_territories(self.request.user).select_related("parent")
        return Territory.objects.select_related("parent").filter(is_active=True)

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.territory_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = services.territory_update(
            actor=self.request.user, territory=serializer.instance, **serializer.validated_data
        )

    @extend_schema(request=serializers.TerritoryImportSerializer, responses={200: dict})
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser])
    def import_csv(self, request: Request) -> Response:
        """Import territories from CSV: all rows or none, errors by row number."""
        body = serializers.TerritoryImportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        country = body.validated_data.get("country")
        result = services.territories_import(
            actor=request.user,
            data=body.validated_data["file"].read(),
            country=country.upper() if country else None,
        )
        return Response(result)


class IndicatorViewSet(OwnedCodeLookupMixin, CachedPublicReadMixin, viewsets.ModelViewSet):
    """The indicator catalogue: indicators with a public release; NSI staff see and edit all."""

    content_version = staticmethod(public_version)

    queryset = Indicator.objects.none()  # for the schema; get_queryset decides
    permission_classes = [PublicReadNSIWrite]
    lookup_field = "code"
    lookup_value_regex = r"[^/]+"
    filterset_fields = ["topic"]
    search_fields = ["code", "name_en", "name_sr_latn", "name_sr_cyrl", "description"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self) -> Any:
        if getattr(self, "swagger_fake_view", False) or is_nsi_staff(self.request.user):
            return serializers.IndicatorSerializer
        return serializers.PublicIndicatorSerializer

    def get_queryset(self) -> QuerySet[Indicator]:
        if getattr(self, "swagger_fake_view", False):
            return Indicator.objects.none()
        if _writing(self.request):
            return staff_indicators(self.request.user).prefetch_related("source_organisations")
        return indicators_visible(self.request.user).prefetch_related("source_organisations")

    @extend_schema(
        request=None,
        responses=None,
        description=(
            "Reference metadata (SDG metadata template sections / ESS SIMS concepts) in three "
            "languages; PATCH {concept: {en|sr-Latn|sr-Cyrl: text}} as NSI staff."
        ),
    )
    @action(detail=True, methods=["get", "patch"], url_path="metadata")
    def metadata(self, request: Request, code: str | None = None) -> Response:
        from ..sdmx.metadata import indicator_metadata_update, metadata_report

        indicator = self.get_object()
        if request.method == "PATCH":
            indicator_metadata_update(actor=request.user, indicator=indicator, content=request.data)  # type: ignore[arg-type]
        return Response(metadata_report(indicator))

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.indicator_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = services.indicator_update(
            actor=self.request.user, indicator=serializer.instance, **serializer.validated_data
        )


class ObservationViewSet(viewsets.ReadOnlyModelViewSet):
    """Working observations as loaded (NSI staff only; the public reads released values)."""

    serializer_class = serializers.ObservationSerializer
    permission_classes = [IsNSIStaff]
    filterset_class = filters.ObservationFilter

    def get_queryset(self) -> QuerySet[Observation]:
        return visible_queryset(Observation, self.request.user).select_related(
            "indicator", "territory"
        )


class ObservationLoadViewSet(
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Jobs loading accepted submissions into observations (NSI staff)."""

    serializer_class = serializers.ObservationLoadSerializer
    permission_classes = [IsNSIStaff]
    filterset_fields = ["status", "submission"]

    def get_queryset(self) -> QuerySet[ObservationLoad]:
        return visible_queryset(ObservationLoad, self.request.user).select_related("indicator")

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        serializer.instance = services.observation_load_request(
            actor=self.request.user,
            submission=data["submission"],
            indicator=data["indicator"],
            mapping=data["mapping"],
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().create(request, *args, **kwargs)
        response.status_code = status.HTTP_202_ACCEPTED
        return response


class ReleasedObservationViewSet(CachedPublicReadMixin, viewsets.ReadOnlyModelViewSet):
    """Published values (every version); embargoed ones only for NSI staff."""

    content_version = staticmethod(public_version)

    serializer_class = serializers.ReleasedObservationSerializer
    permission_classes = [AllowAny]
    filterset_class = filters.ReleasedObservationFilter

    def get_queryset(self) -> QuerySet[Any]:
        return released_observations_visible(user=self.request.user).order_by("id")

    @extend_schema(responses=serializers.LineageSerializer)
    @action(detail=True, methods=["get"])
    def lineage(self, request: Request, pk: str) -> Response:
        """publication → observation → submission (SHA-256, validation) → request → agreement."""
        # The route takes digits only, so the id is an integer here.
        chain = observation_lineage(user=request.user, released_id=int(pk))
        if chain is None:
            raise Http404
        return Response(serializers.LineageSerializer(chain).data)


class PublicationViewSet(CachedPublicReadMixin, viewsets.ModelViewSet):
    """Releases: the public sees released versions; NSI staff manage the lifecycle."""

    content_version = staticmethod(public_version)

    serializer_class = serializers.PublicationSerializer
    permission_classes = [PublicReadNSIWrite]
    filterset_class = filters.PublicationFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Publication]:
        user = self.request.user
        qs = staff_publications(user) if _writing(self.request) else publications_visible(user=user)
        return qs.select_related("territory").prefetch_related("indicators")

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.publication_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = services.publication_update(
            actor=self.request.user, publication=serializer.instance, **serializer.validated_data
        )

    def _respond(self, publication: Publication) -> Response:
        return Response(self.get_serializer(publication).data)

    @extend_schema(
        request=serializers.ApproveSerializer, responses=serializers.PublicationSerializer
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        """A second NSI manager approves the draft (optionally scheduling it at once)."""
        body = serializers.ApproveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._respond(
            services.publication_approve(
                actor=request.user,
                publication=self.get_object(),
                schedule=body.validated_data["schedule"],
            )
        )

    @extend_schema(
        request=serializers.ScheduleSerializer, responses=serializers.PublicationSerializer
    )
    @action(detail=True, methods=["post"])
    def schedule(self, request: Request, pk: str) -> Response:
        """Freeze the declared cells and announce the release (embargoed until then)."""
        body = serializers.ScheduleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._respond(
            services.publication_schedule(
                actor=request.user, publication=self.get_object(), **body.validated_data
            )
        )

    @extend_schema(
        request=serializers.UnscheduleSerializer, responses=serializers.PublicationSerializer
    )
    @action(detail=True, methods=["post"])
    def unschedule(self, request: Request, pk: str) -> Response:
        """Postpone (or cancel) an announced release with a reason; it stays on the calendar."""
        body = serializers.UnscheduleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._respond(
            services.publication_unschedule(
                actor=request.user, publication=self.get_object(), **body.validated_data
            )
        )

    @extend_schema(
        request=serializers.PublishSerializer, responses=serializers.PublicationSerializer
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        """Release now (bringing an announced release forward needs a reason)."""
        body = serializers.PublishSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._respond(
            services.publication_publish(
                actor=request.user, publication=self.get_object(), **body.validated_data
            )
        )

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"], permission_classes=[IsNSIStaff])
    def preview(self, request: Request, pk: str) -> Response:
        """What freezing would take now: cells, suppressions, the diff to the public version."""
        return Response(services.publication_preview(publication=self.get_object()))

    @extend_schema(request=serializers.PreReleaseGrantSerializer, responses={201: dict})
    @action(detail=True, methods=["post"], url_path="pre-release-access")
    def pre_release_access(self, request: Request, pk: str) -> Response:
        """Give a named user access to the release some hours before its time."""
        body = serializers.PreReleaseGrantSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        access = services.pre_release_grant(
            actor=request.user,
            publication=self.get_object(),
            username=data["user"],
            hours=data["hours"],
            purpose=data["purpose"],
        )
        return Response(
            {"id": access.pk, "user": data["user"], "hours": access.hours},
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=None, responses={201: serializers.PublicationSerializer})
    @action(detail=True, methods=["post"])
    def revise(self, request: Request, pk: str) -> Response:
        """Start the next version (a draft that will supersede this one)."""
        revision = services.publication_revise(actor=request.user, publication=self.get_object())
        return Response(self.get_serializer(revision).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=serializers.PublicationDiffSerializer)
    @action(detail=True, methods=["get"])
    def diff(self, request: Request, pk: str) -> Response:
        """What changed against the version this one supersedes."""
        publication = self.get_object()
        return Response({"diff": publication.diff, "diff_summary": publication.diff_summary})

    @extend_schema(responses=serializers.ReleasedObservationSerializer(many=True))
    @action(detail=True, methods=["get"])
    def observations(self, request: Request, pk: str) -> Response:
        """The values frozen into this version (readable after later versions supersede it)."""
        publication = self.get_object()
        qs = publication.released_observations.order_by("id")
        page = self.paginate_queryset(qs)
        data = serializers.ReleasedObservationSerializer(page, many=True).data
        return self.get_paginated_response(data)


def managed_offices(user: Any) -> QuerySet[Organisation]:
    """The NSI offices `user` manages: the only ones whose publishing policy they see."""
    return (
        Organisation.objects.filter(pk__in=member_org_ids(user, ("manager",)), kind__in=NSI_KINDS)
        .select_related("publishing_policy__changed_by")
        .order_by("name")
    )


class PublishingPolicyViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Per-NSI four-eyes setting, keyed by the office's id; managers of that office only.

    Another office answers 404 (it is outside the caller's scope); writes go through
    `publishing_policy_set`, which requires a reason to relax and audits every change.
    """

    serializer_class = serializers.PublishingPolicySerializer
    permission_classes = [IsAuthenticated]
    http_method_names = ["get", "put", "head", "options"]
    lookup_value_regex = r"[0-9]+"
    selector = staticmethod(managed_offices)
    update_service = staticmethod(services.publishing_policy_set)

    def get_queryset(self) -> QuerySet[Organisation]:
        return self.selector(self.request.user)

    def perform_update(self, serializer: Any) -> None:
        office = self.update_service(
            actor=self.request.user, organisation=serializer.instance, **serializer.validated_data
        )
        # Re-read through the selector so the response shows the stored row.
        serializer.instance = self.get_queryset().get(pk=office.organisation_id)
