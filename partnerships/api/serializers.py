"""Serializers of the registry API; ids in request bodies resolve only within the user's scope."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ddms_platform.core.models import AuditEntry
from ddms_platform.core.scoping import VisiblePK

from ..choices import Audience, Domain, ObjectiveStatus, Resource, Theme
from ..models import (
    Activity,
    Agreement,
    AgreementDocument,
    AgreementParty,
    CaseObjective,
    CaseStudy,
    CommunicationPlan,
    Contact,
    Country,
    Deliverable,
    KnowledgeArticle,
    Membership,
    Organisation,
    Pilot,
    Policy,
    PolicyTarget,
)
from ..services import allowed_transitions


def choice_list(choices: Any, **kwargs: Any) -> serializers.ListField:
    """A JSON list whose every item must be one of `choices` (errors name the item)."""
    return serializers.ListField(
        child=serializers.ChoiceField(choices=choices), required=False, **kwargs
    )


class CountrySerializer(serializers.ModelSerializer):
    class Meta:
        model = Country
        fields = ["code", "name"]


class OrganisationSerializer(serializers.ModelSerializer):
    parent = VisiblePK(Organisation, allow_null=True, required=False)  # type: ignore[assignment]

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "short_name",
            "kind",
            "country",
            "parent",
            "website",
            "email",
            "phone",
            "address",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        # Uniqueness is the service's business (it runs full_clean with a field error).
        validators: list[Any] = []


class ContactSerializer(serializers.ModelSerializer):
    organisation = VisiblePK(Organisation)

    class Meta:
        model = Contact
        fields = ["id", "organisation", "name", "position", "email", "phone", "updated_at"]
        read_only_fields = ["updated_at"]


class MembershipSerializer(serializers.ModelSerializer):
    user = VisiblePK(get_user_model())
    username = serializers.CharField(source="user.username", read_only=True)
    organisation = VisiblePK(Organisation)

    class Meta:
        model = Membership
        fields = ["id", "user", "username", "organisation", "role", "created_at"]
        read_only_fields = ["created_at"]
        validators: list[Any] = []


class MembershipRoleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Membership
        fields = ["role"]


class AgreementPartySerializer(serializers.ModelSerializer):
    organisation = VisiblePK(Organisation)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    resources = choice_list(Resource.choices)

    class Meta:
        model = AgreementParty
        fields = ["organisation", "organisation_name", "resources", "contribution"]


class AgreementSerializer(serializers.ModelSerializer):
    nsi = VisiblePK(Organisation)
    domains = choice_list(Domain.choices)
    nsi_resources = choice_list(Resource.choices)
    parties = AgreementPartySerializer(many=True, source="party_links", required=False)
    allowed_transitions = serializers.SerializerMethodField()

    class Meta:
        model = Agreement
        fields = [
            "id",
            "reference",
            "title",
            "nsi",
            "type",
            "state",
            "allowed_transitions",
            "domains",
            "goals",
            "nsi_resources",
            "parties",
            "signed_on",
            "starts_on",
            "ends_on",
            "renewal_notice_days",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["state", "created_at", "updated_at"]
        validators: list[Any] = []

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_transitions(self, obj: Agreement) -> list[str]:
        return allowed_transitions(obj)


class TransitionSerializer(serializers.Serializer):
    target = serializers.CharField(max_length=20)


class AgreementDocumentSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.CharField(
        source="uploaded_by.username", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = AgreementDocument
        fields = [
            "id",
            "agreement",
            "title",
            "version",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_by",
            "uploaded_at",
        ]
        read_only_fields = fields


class DocumentUploadSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    file = serializers.FileField(allow_empty_file=False, use_url=False)


class AuditEntrySerializer(serializers.ModelSerializer):
    actor = serializers.CharField(
        source="actor.username", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = AuditEntry
        fields = ["created_at", "action", "actor", "before", "after", "request_id"]
        read_only_fields = fields


class CaseObjectiveSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=ObjectiveStatus.choices, required=False)
    # What "achieved" is measured by: deliverables of the same agreement, indicator codes.
    deliverables = VisiblePK(Deliverable, many=True, required=False)
    indicator_codes = serializers.ListField(
        child=serializers.CharField(max_length=50), required=False
    )

    class Meta:
        model = CaseObjective
        fields = [
            "objective",
            "planned_outcome",
            "achieved_outcome",
            "status",
            "position",
            "deliverables",
            "indicator_codes",
        ]


class CaseStudySerializer(serializers.ModelSerializer):
    agreement = VisiblePK(Agreement)
    objectives = CaseObjectiveSerializer(many=True, required=False)

    class Meta:
        model = CaseStudy
        fields = [
            "id",
            "agreement",
            "title",
            "narrative",
            "still_to_achieve",
            "objectives",
            "is_published",
            "published_at",
            "shared_with_network",
            "shared_at",
            "updated_at",
        ]
        read_only_fields = [
            "is_published",
            "published_at",
            "shared_with_network",
            "shared_at",
            "updated_at",
        ]


class PilotSerializer(serializers.ModelSerializer):
    nsi = VisiblePK(Organisation)
    local_government = VisiblePK(Organisation)
    partners = VisiblePK(Organisation, many=True, required=False)
    agreements = VisiblePK(Agreement, many=True, required=False)
    themes = choice_list(Theme.choices)

    class Meta:
        model = Pilot
        fields = [
            "id",
            "name",
            "city",
            "territory_code",
            "country",
            "nsi",
            "local_government",
            "partners",
            "agreements",
            "themes",
            "description",
            "decision_relevance",
            "starts_on",
            "ends_on",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]


class PolicyTargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = PolicyTarget
        fields = [
            "indicator_code",
            "target_value",
            "target_year",
            "direction",
            "baseline_value",
            "baseline_year",
        ]


class PolicySerializer(serializers.ModelSerializer):
    pilot = VisiblePK(Pilot)
    targets = PolicyTargetSerializer(many=True, required=False)

    class Meta:
        model = Policy
        fields = ["id", "pilot", "name", "kind", "description", "url", "targets", "updated_at"]
        read_only_fields = ["updated_at"]


class ActivitySerializer(serializers.ModelSerializer):
    plan = VisiblePK(CommunicationPlan)
    owner = serializers.CharField(
        source="owner.username", read_only=True, default=None, allow_null=True
    )
    audience = serializers.ChoiceField(choices=Audience.choices, required=False, allow_blank=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "plan",
            "kind",
            "title",
            "starts_at",
            "ends_at",
            "location",
            "owner",
            "audience",
            "status",
            "attendees",
            "reach",
            "outcome",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]


class PlanActivitySerializer(ActivitySerializer):
    class Meta(ActivitySerializer.Meta):
        read_only_fields = ActivitySerializer.Meta.fields


class CommunicationPlanSerializer(serializers.ModelSerializer):
    pilot = VisiblePK(Pilot, allow_null=True, required=False)
    agreement = VisiblePK(Agreement, allow_null=True, required=False)
    owner = VisiblePK(Organisation)
    audiences = choice_list(Audience.choices)
    activities = PlanActivitySerializer(many=True, read_only=True)

    class Meta:
        model = CommunicationPlan
        fields = [
            "id",
            "title",
            "pilot",
            "agreement",
            "owner",
            "objectives",
            "audiences",
            "key_messages",
            "activities",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]
        validators: list[Any] = []


class KnowledgeArticleSerializer(serializers.ModelSerializer):
    slug = serializers.SlugField(max_length=200, required=False)
    tags = serializers.ListField(child=serializers.CharField(max_length=40), required=False)
    author_organisation = VisiblePK(Organisation, allow_null=True, required=False)
    case_study = VisiblePK(CaseStudy, allow_null=True, required=False)

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
            "author_organisation",
            "case_study",
            "is_published",
            "published_at",
            "shared_with_network",
            "shared_at",
            "updated_at",
        ]
        read_only_fields = [
            "is_published",
            "published_at",
            "shared_with_network",
            "shared_at",
            "updated_at",
        ]
