"""Network API under /api/v1/: sharing, shared definitions and adoption, the shared
knowledge base, fulfilment per country, cross-city comparisons and the replication kit."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import SAFE_METHODS, AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ddms_platform.core.api import ApiRouter
from ddms_platform.core.permissions import (
    is_acting_network_coordinator,
    is_acting_nsi_staff,
    is_admin,
    is_network_reader,
    is_nsi_staff,
)
from ddms_platform.core.scoping import VisiblePK
from partnerships.models import CaseStudy, KnowledgeArticle, Pilot
from partnerships.selectors import pilot_list
from partnerships.selectors_network import (
    fulfilment_by_country,
    own_article_list,
    shareable_case_study_list,
    shared_article_list,
    shared_case_study_list,
)
from partnerships.services import network as sharing

from ..kit import kit_zip, pilot_agency
from ..models import ComparabilityGroup, Indicator, IndicatorAdoption, KitImport
from ..selectors import network as selectors
from ..services import kit as kit_services
from ..services import network as services
from ..services.network import ADOPTED_FIELDS


class NetworkReader(BasePermission):
    """NSI staff of any country, network coordinators and admins; writes are decided by the
    services (sharing: the owning NSI; curation: the coordinator)."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return is_network_reader(request.user)


class ActingNSIStaff(BasePermission):
    """NSI staff with a manager or member role (and admins)."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return is_acting_nsi_staff(request.user)


def _country(org: Any) -> str | None:
    return getattr(org, "country_id", None) if org is not None else None


class SharedIndicatorSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.name", read_only=True)
    country = serializers.CharField(source="owner.country_id", read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "code",
            "owner",
            "country",
            *(f for f in ADOPTED_FIELDS if f != "min_cell_count"),
            "shared_at",
        ]
        read_only_fields = fields


class AdoptSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=50, required=False, allow_blank=True)


class AdoptionSerializer(serializers.ModelSerializer):
    source = serializers.CharField(source="source.code", read_only=True)  # type: ignore[assignment]
    source_country = serializers.CharField(source="source.owner.country_id", read_only=True)
    adopted = serializers.CharField(source="adopted.code", read_only=True)
    adopted_country = serializers.CharField(source="adopted.owner.country_id", read_only=True)
    group = serializers.CharField(source="group.code", read_only=True)

    class Meta:
        model = IndicatorAdoption
        fields = [
            "id",
            "source",
            "source_country",
            "adopted",
            "adopted_country",
            "group",
            "adopted_at",
        ]
        read_only_fields = fields


class SharedIndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    """Indicator definitions shared with the network; `adopt` copies one into your country."""

    serializer_class = SharedIndicatorSerializer
    permission_classes = [NetworkReader]
    filterset_fields = ["topic"]

    def get_queryset(self) -> QuerySet[Indicator]:
        return selectors.shared_indicator_list(self.request.user)

    @extend_schema(request=AdoptSerializer, responses={201: AdoptionSerializer})
    @action(detail=True, methods=["post"], permission_classes=[ActingNSIStaff])
    def adopt(self, request: Request, pk: str) -> Response:
        """Adopt this definition into your own country; both become comparable."""
        source = self.get_object()
        body = AdoptSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        adoption = services.indicator_adopt(
            source=source, actor=request.user, code=body.validated_data.get("code", "")
        )
        return Response(AdoptionSerializer(adoption).data, status=status.HTTP_201_CREATED)


class AdoptionViewSet(viewsets.ReadOnlyModelViewSet):
    """Recorded adoptions across the network."""

    serializer_class = AdoptionSerializer
    permission_classes = [NetworkReader]

    def get_queryset(self) -> QuerySet[IndicatorAdoption]:
        return selectors.adoption_list(self.request.user)


SHARE_KINDS = ("indicator", "case_study", "article")


class ShareSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SHARE_KINDS)
    id = serializers.IntegerField(min_value=1)
    shared = serializers.BooleanField(default=True)


class ShareView(APIView):
    """Share one of your country's definitions with the network, or take it back."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=ShareSerializer, responses={200: ShareSerializer})
    def post(self, request: Request) -> Response:
        body = ShareSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        kind, pk, shared = (body.validated_data[k] for k in ("kind", "id", "shared"))
        user = request.user
        if kind == "indicator":
            indicator = get_object_or_404(selectors.own_indicator_list(user), pk=pk)
            obj: Any = services.indicator_share(indicator=indicator, actor=user, shared=shared)
        elif kind == "case_study":
            case_study = get_object_or_404(shareable_case_study_list(user), pk=pk)
            obj = sharing.case_study_share(case_study=case_study, actor=user, shared=shared)
        else:
            # The coordinator withdraws any shared entry; others name only their own.
            if not shared and (is_admin(user) or is_acting_network_coordinator(user)):
                qs = shared_article_list(user)
            else:
                qs = own_article_list(user)
            article = get_object_or_404(qs, pk=pk)
            obj = sharing.article_share(article=article, actor=user, shared=shared)
        return Response(
            {
                "kind": kind,
                "id": obj.pk,
                "shared": obj.shared_with_network,
                "shared_at": obj.shared_at,
            }
        )


class SharedCaseStudySerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="agreement.nsi.country_id", read_only=True)
    nsi = serializers.CharField(source="agreement.nsi.name", read_only=True)
    objectives = serializers.SerializerMethodField()

    class Meta:
        model = CaseStudy
        fields = [
            "id",
            "title",
            "country",
            "nsi",
            "narrative",
            "still_to_achieve",
            "objectives",
            "shared_at",
        ]
        read_only_fields = fields

    def get_objectives(self, obj: CaseStudy) -> list[dict[str, Any]]:
        return [
            {
                "objective": o.objective,
                "planned_outcome": o.planned_outcome,
                "achieved_outcome": o.achieved_outcome,
                "status": o.status,
            }
            for o in obj.objectives.all()
        ]


class SharedCaseStudyViewSet(viewsets.ReadOnlyModelViewSet):
    """Case studies every country shared with the network."""

    serializer_class = SharedCaseStudySerializer
    permission_classes = [NetworkReader]

    def get_queryset(self) -> QuerySet[CaseStudy]:
        return shared_case_study_list(self.request.user)


class SharedArticleSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author_organisation.name", read_only=True, default="")
    country = serializers.CharField(
        source="author_organisation.country_id", read_only=True, default=""
    )
    tags = serializers.ListField(child=serializers.CharField(max_length=40), required=False)

    class Meta:
        model = KnowledgeArticle
        fields = [
            "id",
            "title",
            "slug",
            "kind",
            "summary",
            "body",
            "tags",
            "author",
            "country",
            "published_at",
            "shared_at",
        ]
        read_only_fields = ["id", "slug", "author", "country", "published_at", "shared_at"]


class CoordinatorWrites(BasePermission):
    """Reads: network readers. Writes: acting network coordinators (and admins)."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return is_network_reader(request.user)
        return is_admin(request.user) or is_acting_network_coordinator(request.user)


class SharedArticleViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """The shared knowledge base; the coordinator writes network entries and curates tags."""

    serializer_class = SharedArticleSerializer
    permission_classes = [CoordinatorWrites]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[KnowledgeArticle]:
        return shared_article_list(self.request.user)

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = sharing.network_article_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = sharing.network_article_curate(
            article=serializer.instance, actor=self.request.user, data=serializer.validated_data
        )


class FulfilmentView(APIView):
    """Anonymised fulfilment of data requests per country: counts only."""

    permission_classes = [NetworkReader]

    @extend_schema(responses={200: dict})
    def get(self, request: Request) -> Response:
        return Response({"results": fulfilment_by_country(request.user)})


def _group_summary(group: ComparabilityGroup) -> dict[str, Any]:
    return {
        "code": group.code,
        "name_en": group.name_en,
        "indicators": [
            {
                "code": ind.code,
                "name_en": ind.name_en,
                "unit": ind.unit,
                "country": ind.owner.country_id,
                "owner": ind.owner.name,
            }
            for ind in group.public_indicators  # type: ignore[attr-defined]
        ],
    }


class ComparisonViewSet(viewsets.ViewSet):
    """Comparable indicators across cities: public values only, embargo per country."""

    permission_classes = [AllowAny]
    lookup_field = "code"
    lookup_value_regex = r"[-a-z0-9_]+"

    @extend_schema(operation_id="v1_comparisons_list", responses={200: dict})
    def list(self, request: Request) -> Response:
        groups = selectors.comparability_group_list()
        return Response({"results": [_group_summary(g) for g in groups]})

    @extend_schema(responses={200: dict})
    def retrieve(self, request: Request, code: str) -> Response:
        group = ComparabilityGroup.objects.filter(code=code).first()
        if group is None:
            raise Http404
        result = selectors.comparison(group=group)
        if not result.rows:
            # Nothing public yet: the group does not exist for anyone outside.
            raise Http404
        return Response(
            {
                "code": group.code,
                "name_en": group.name_en,
                "indicators": [
                    {
                        "code": i.code,
                        "name_en": i.name_en,
                        "unit": i.unit,
                        "country": i.owner.country_id,
                        "owner": i.owner.name,
                    }
                    for i in result.indicators
                ],
                "values": [
                    {
                        "indicator": r.indicator.code,
                        "country": r.indicator.owner.country_id,
                        "territory": r.territory_code,
                        "territory_name": r.territory_name,
                        "period": r.period,
                        "value": None if r.value is None else str(r.value),
                        "status": r.status,
                        "unit": r.indicator.unit,
                        "release": {
                            "id": r.publication_id,
                            "title": r.publication_title,
                            "release_at": r.release_at,
                        },
                        "lineage": request.build_absolute_uri(
                            f"/api/v1/observations/{r.released_id}/lineage/"
                        ),
                    }
                    for r in result.rows
                ],
            }
        )


class KitExportView(APIView):
    """The pilot's replication kit (a Frictionless Data Package in a zip)."""

    permission_classes = [ActingNSIStaff]

    @extend_schema(responses={(200, "application/zip"): bytes})
    def get(self, request: Request, pk: int) -> HttpResponse:
        pilot = get_object_or_404(pilot_list(request.user), pk=pk)
        if not is_nsi_staff(request.user):
            raise Http404
        data = kit_zip(pilot, agency=pilot_agency(pilot))
        response = HttpResponse(data, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="kit-pilot-{pilot.pk}.zip"'
        return response


class KitImportSerializer(serializers.ModelSerializer):
    pilot = VisiblePK(Pilot)
    file = serializers.FileField(write_only=True)

    class Meta:
        model = KitImport
        fields = ["id", "pilot", "file", "status", "sha256", "preview", "created_at", "applied_at"]
        read_only_fields = ["id", "status", "sha256", "preview", "created_at", "applied_at"]


class KitImportViewSet(
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Import a kit into one of your pilots: POST previews (nothing of the kit is written),
    `apply` writes all of it or, on any clash, nothing."""

    serializer_class = KitImportSerializer
    permission_classes = [ActingNSIStaff]
    parser_classes = [MultiPartParser]

    def get_queryset(self) -> QuerySet[KitImport]:
        return selectors.kit_import_list(self.request.user)

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        serializer.instance = kit_services.kit_preview(
            actor=self.request.user, pilot=data["pilot"], data=data["file"].read()
        )

    @extend_schema(request=None, responses={200: KitImportSerializer})
    @action(detail=True, methods=["post"], parser_classes=[])
    def apply(self, request: Request, pk: str) -> Response:
        kit_import = kit_services.kit_apply(kit_import=self.get_object(), actor=request.user)
        return Response(KitImportSerializer(kit_import).data)


router = ApiRouter()
router.register("network/indicators", SharedIndicatorViewSet, basename="network-indicator")
router.register("network/adoptions", AdoptionViewSet, basename="network-adoption")
router.register("network/case-studies", SharedCaseStudyViewSet, basename="network-case-study")
router.register("network/articles", SharedArticleViewSet, basename="network-article")
router.register("network/kit-imports", KitImportViewSet, basename="network-kit-import")
router.register("comparisons", ComparisonViewSet, basename="comparison")

urlpatterns = [
    path("network/shares/", ShareView.as_view(), name="network-share"),
    path("network/fulfilment/", FulfilmentView.as_view(), name="network-fulfilment"),
    path("pilots/<int:pk>/kit/", KitExportView.as_view(), name="pilot-kit"),
    *router.urls,
]
