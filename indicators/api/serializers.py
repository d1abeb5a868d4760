"""API serializers: explicit fields; writes go through services in the views."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from ddms_platform.core.permissions import is_staff_of_country
from ddms_platform.core.scoping import SelectedPK, SelectedSlug
from partnerships.models import Organisation, Pilot, Submission
from partnerships.selectors import organisation_list, pilot_list
from partnerships.selectors_requests import submissions_visible_to

from ..models import (
    Indicator,
    Observation,
    ObservationLoad,
    Publication,
    ReleasedObservation,
    Territory,
)
from ..selectors.publications import staff_indicators
from ..selectors.territories import staff_territories


# Ids and codes in bodies name rows of the writer's own country only (see core.scoping).
def _own_territory(**kwargs: Any) -> SelectedSlug:
    return SelectedSlug(staff_territories, Territory, "code", **kwargs)


class TerritorySerializer(serializers.ModelSerializer):
    parent = _own_territory(allow_null=True, required=False)  # type: ignore[assignment]
    country = serializers.CharField(source="country_id", read_only=True)

    class Meta:
        model = Territory
        fields = [
            "id",
            "country",
            "code",
            "level",
            "parent",
            "name_en",
            "name_sr_latn",
            "name_sr_cyrl",
        ]
        read_only_fields = ["id", "country"]


class TerritoryImportSerializer(serializers.Serializer):
    file = serializers.FileField()
    country = serializers.CharField(
        required=False, max_length=2, help_text="ISO code (default: the user's only country)"
    )


class IndicatorSerializer(serializers.ModelSerializer):
    source_organisations = SelectedPK(organisation_list, Organisation, many=True, required=False)
    # The owning NSI's SDMX agency id: with the code, it names the indicator everywhere.
    owner = serializers.CharField(source="owner.agency_id", read_only=True)
    country = serializers.CharField(source="owner.country_id", read_only=True)
    sdg_targets = serializers.ListField(child=serializers.CharField(), required=False)
    dimensions = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )

    class Meta:
        model = Indicator
        fields = [
            "id",
            "owner",
            "country",
            "code",
            "name_en",
            "name_sr_latn",
            "name_sr_cyrl",
            "description",
            "unit",
            "topic",
            "sdg_targets",
            "methodology",
            "source_organisations",
            "dimensions",
            "decimals",
            "min_cell_count",
            "annual_aggregation",
            "is_active",
        ]
        read_only_fields = ["id", "owner", "country"]

    def to_representation(self, instance: Any) -> Any:
        data = super().to_representation(instance)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        # Another country's indicator reads as the public sees it (no disclosure threshold).
        if "min_cell_count" in data and not is_staff_of_country(user, instance.owner.country_id):
            data.pop("min_cell_count")
        return data


class PublicIndicatorSerializer(IndicatorSerializer):
    """The catalogue entry: metadata without the disclosure threshold."""

    class Meta(IndicatorSerializer.Meta):
        fields = [f for f in IndicatorSerializer.Meta.fields if f != "min_cell_count"]


class ObservationSerializer(serializers.ModelSerializer):
    indicator: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    territory: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )

    class Meta:
        model = Observation
        fields = [
            "id",
            "indicator",
            "territory",
            "period",
            "period_type",
            "dims",
            "value",
            "status",
            "count",
            "submission",
            "updated_at",
        ]
        read_only_fields = fields


class ObservationLoadSerializer(serializers.ModelSerializer):
    submission = SelectedPK(submissions_visible_to, Submission)
    indicator = SelectedSlug(staff_indicators, Indicator, "code")
    mapping = serializers.JSONField(
        help_text='{"territory": col, "period": col, "value": col, "dimensions": {dim: col}, '
        '"status": col?, "count": col?}'
    )
    result = serializers.JSONField(read_only=True)

    class Meta:
        model = ObservationLoad
        fields = [
            "id",
            "submission",
            "indicator",
            "mapping",
            "status",
            "result",
            "attempts",
            "last_error",
            "queued_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = [
            "id",
            "status",
            "result",
            "attempts",
            "last_error",
            "queued_at",
            "started_at",
            "finished_at",
        ]


class ReleasedObservationSerializer(serializers.ModelSerializer):
    indicator = serializers.CharField(source="indicator_code", read_only=True)
    territory = serializers.CharField(source="territory_code", read_only=True)

    class Meta:
        model = ReleasedObservation
        fields = [
            "id",
            "publication",
            "indicator",
            "territory",
            "period",
            "period_type",
            "dims",
            "value",
            "status",
        ]
        read_only_fields = fields


class OpenDataObservationSerializer(serializers.Serializer):
    """One element of the open-data JSON download (documents `exports.stream_json`)."""

    id = serializers.IntegerField()
    indicator = serializers.CharField()
    territory = serializers.CharField()
    period = serializers.CharField()
    dims = serializers.DictField(child=serializers.CharField())
    value = serializers.FloatField(allow_null=True)
    status = serializers.CharField()
    publication = serializers.IntegerField()


class PublicationSerializer(serializers.ModelSerializer):
    indicators = SelectedSlug(staff_indicators, Indicator, "code", many=True)
    territory = _own_territory(allow_null=True, required=False)
    pilot = SelectedPK(pilot_list, Pilot, allow_null=True, required=False)
    diff_summary = serializers.JSONField(read_only=True)
    dimension_filter = serializers.JSONField(required=False)

    class Meta:
        model = Publication
        fields = [
            "id",
            "series",
            "version",
            "title",
            "notes",
            "pilot",
            "territory",
            "indicators",
            "period_from",
            "period_to",
            "dimension_filter",
            "release_at",
            "state",
            "supersedes",
            "published_at",
            "superseded_at",
            "diff_summary",
            "prepared_by",
            "approved_by",
            "approved_at",
            "calendar_reason",
            "calendar_sequence",
            "notification_skipped",
        ]
        # release_at on a draft is the proposed time: approve with schedule=true schedules it.
        read_only_fields = [
            "id",
            "version",
            "state",
            "supersedes",
            "published_at",
            "superseded_at",
            "diff_summary",
            "prepared_by",
            "approved_by",
            "approved_at",
            "calendar_reason",
            "calendar_sequence",
            "notification_skipped",
        ]


class PublicationDiffSerializer(serializers.Serializer):
    diff = serializers.JSONField()
    diff_summary = serializers.JSONField()


class ScheduleSerializer(serializers.Serializer):
    release_at = serializers.DateTimeField()
    # Needed when a postponed release is put earlier than it was announced.
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ApproveSerializer(serializers.Serializer):
    # Also schedule at the time the draft proposes, in the same transaction.
    schedule = serializers.BooleanField(required=False, default=False)


class UnscheduleSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    cancel = serializers.BooleanField(required=False, default=False)


class PublishSerializer(serializers.Serializer):
    # Needed to bring an announced release forward.
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class PreReleaseGrantSerializer(serializers.Serializer):
    user = serializers.CharField(help_text="username")
    hours = serializers.IntegerField(min_value=1, max_value=72)
    purpose = serializers.CharField(required=False, allow_blank=True, default="")


class SeriesObservationSerializer(serializers.Serializer):
    """Schema of one series row (the view renders rows with orjson directly)."""

    id = serializers.IntegerField()
    territory = serializers.CharField()
    period = serializers.CharField()
    dims = serializers.DictField(child=serializers.CharField())
    value = serializers.FloatField(allow_null=True)
    status = serializers.CharField()


class SeriesSerializer(serializers.Serializer):
    indicator = PublicIndicatorSerializer()
    observations = SeriesObservationSerializer(many=True)


class UpcomingEntrySerializer(serializers.Serializer):
    """An announced release: date, title, state (postponed/cancelled with the reason) and
    indicators; never its values."""

    id = serializers.IntegerField()
    release_at = serializers.DateTimeField()
    title = serializers.CharField()
    state = serializers.CharField()
    reason = serializers.CharField()
    indicators = serializers.ListField(child=serializers.CharField())
    released = serializers.BooleanField()


class CalendarEntrySerializer(UpcomingEntrySerializer):
    """A calendar entry; the fields after `released` appear once the release is public."""

    series = serializers.CharField(required=False)
    version = serializers.IntegerField(required=False)
    superseded = serializers.BooleanField(required=False)
    supersedes = serializers.IntegerField(required=False, allow_null=True)


class LineageSerializer(serializers.Serializer):
    publication = serializers.JSONField()
    observation = serializers.JSONField()
    submission = serializers.JSONField(allow_null=True)
    data_request = serializers.JSONField(allow_null=True)
    agreement = serializers.JSONField(allow_null=True)


class MonitoringSerializer(serializers.Serializer):
    policy = serializers.JSONField()
    target_id = serializers.IntegerField()
    indicator = serializers.CharField()
    target_value = serializers.FloatField()
    target_year = serializers.IntegerField()
    direction = serializers.CharField()
    unit = serializers.CharField(required=False)
    latest = serializers.JSONField(allow_null=True)
    distance = serializers.FloatField(allow_null=True)
    status = serializers.CharField()
    # Every input of the progress measure: base, latest, target, CAGRs and their ratio.
    progress = serializers.JSONField(allow_null=True)


class PublishingPolicySerializer(serializers.Serializer):
    """One NSI office's four-eyes setting (the instance is the office, policy row or not)."""

    organisation = serializers.IntegerField(read_only=True)
    organisation_name = serializers.CharField(read_only=True)
    four_eyes_relaxed = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    changed_by = serializers.CharField(read_only=True, allow_null=True)
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)

    def to_representation(self, instance: Organisation) -> dict[str, Any]:
        try:
            policy = instance.publishing_policy
        except Organisation.publishing_policy.RelatedObjectDoesNotExist:
            policy = None
        changed_by = policy.changed_by if policy is not None else None
        return {
            "organisation": instance.pk,
            "organisation_name": instance.name,
            "four_eyes_relaxed": bool(policy and policy.four_eyes_relaxed),
            "reason": policy.reason if policy is not None else "",
            "changed_by": changed_by.get_username() if changed_by is not None else None,
            "updated_at": (
                serializers.DateTimeField().to_representation(policy.updated_at)
                if policy is not None
                else None
            ),
        }
