"""Indicators API: territories, indicators, observations, loads and publications."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from ddms_platform.core.httpcache import CachedPublicReadMixin
from ddms_platform.core.permissions import IsNSIStaff, PublicReadNSIWrite, is_nsi_staff

from .. import services
from ..models import Indicator, Observation, ObservationLoad, Publication, Territory
from ..selectors.lineage import observation_lineage
from ..selectors.publications import (
    indicators_visible,
    public_version,
    publications_visible,
    released_observations_visible,
)
from . import filters, serializers


class TerritoryViewSet(CachedPublicReadMixin, viewsets.ModelViewSet):
    """Territories: public to read, NSI staff write (one at a time or a CSV import)."""

    content_version = staticmethod(public_version)

    serializer_class = serializers.TerritorySerializer
    permission_classes = [PublicReadNSIWrite]
    filterset_class = filters.TerritoryFilter
    search_fields = ["code", "name_en", "name_sr_latn", "name_sr_cyrl"]
    lookup_field = "code"
    lookup_value_regex = r"[^/]+"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Territory]:
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
        result = services.territories_import(
            actor=request.user, data=body.validated_data["file"].read()
        )
        return Response(result)


class IndicatorViewSet(CachedPublicReadMixin, viewsets.ModelViewSet):
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
        return Observation.objects.select_related("indicator", "territory")


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
        return ObservationLoad.objects.select_related("indicator")

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
        return (
            publications_visible(user=self.request.user)
            .select_related("territory")
            .prefetch_related("indicators")
        )

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
        request=serializers.ScheduleSerializer, responses=serializers.PublicationSerializer
    )
    @action(detail=True, methods=["post"])
    def schedule(self, request: Request, pk: str) -> Response:
        """Freeze the values and put the release on the calendar (embargoed until then)."""
        body = serializers.ScheduleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._respond(
            services.publication_schedule(
                actor=request.user,
                publication=self.get_object(),
                release_at=body.validated_data["release_at"],
            )
        )

    @extend_schema(request=None, responses=serializers.PublicationSerializer)
    @action(detail=True, methods=["post"])
    def unschedule(self, request: Request, pk: str) -> Response:
        """Take a scheduled release back to draft before its time."""
        return self._respond(
            services.publication_unschedule(actor=request.user, publication=self.get_object())
        )

    @extend_schema(request=None, responses=serializers.PublicationSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        """Release now."""
        return self._respond(
            services.publication_publish(actor=request.user, publication=self.get_object())
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
