"""API of data requests, their comments and submissions, validation reports and fulfilment."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import django_filters
from django.conf import settings
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from ddms_platform.core.errors import DomainError
from ddms_platform.core.parsers import BoundedJSONParser
from ddms_platform.core.scoping import ScopedFilterSet
from ddms_platform.core.storage import stored_file_response
from ddms_platform.tabular import report_to_csv_rows

from .. import selectors_requests as selectors
from ..choices import RequestDirection, RequestState, RunStatus
from ..models import DataRequest, Submission
from ..report_messages import explained_report
from ..selectors_obligations import escalation_steps
from ..services import requests as services
from ..services.submissions import UploadTooLarge, submission_upload
from .requests_serializers import (
    DataRequestCreateSerializer,
    DataRequestSerializer,
    DataRequestUpdateSerializer,
    EscalationStepSerializer,
    FulfilmentSerializer,
    ReasonSerializer,
    RequestCommentSerializer,
    SubmissionSerializer,
    SubmissionUploadSerializer,
)


class DataRequestFilter(ScopedFilterSet):
    """Filters of the request list (the same ones the portals use)."""

    state = django_filters.MultipleChoiceFilter(choices=RequestState.choices)
    direction = django_filters.ChoiceFilter(choices=RequestDirection.choices)
    overdue = django_filters.BooleanFilter(method="filter_overdue")
    provider = django_filters.NumberFilter(field_name="provider_id")
    requester = django_filters.NumberFilter(field_name="requester_id")
    agreement = django_filters.NumberFilter(field_name="agreement_id")
    pilot = django_filters.NumberFilter(field_name="pilot_id")
    deliverable = django_filters.NumberFilter(field_name="deliverable_id")
    period = django_filters.CharFilter()

    class Meta:
        model = DataRequest
        fields = [
            "state",
            "direction",
            "overdue",
            "provider",
            "requester",
            "agreement",
            "pilot",
            "deliverable",
            "period",
        ]

    def filter_overdue(self, qs: QuerySet[DataRequest], name: str, value: bool | None) -> Any:
        if value is None:
            return qs
        condition = selectors.overdue_condition()
        return qs.filter(condition) if value else qs.exclude(condition)


# Room for the multipart envelope around the file (boundaries, headers, other fields).
MULTIPART_OVERHEAD = 64 * 1024


class NotReady(DomainError):
    """The report is asked for before the run finished."""

    status_code = 409
    code = "report_not_ready"


def _transition_action(
    service: Callable[..., DataRequest], *, url_path: str, with_reason: bool = False
) -> Any:
    """Build a POST @action that calls one transition service and returns the request."""

    def view(self: DataRequestViewSet, request: Request, pk: str | None = None) -> Response:
        obj = self.get_object()
        kwargs: dict[str, Any] = {}
        if with_reason:
            data = ReasonSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            kwargs["reason"] = data.validated_data["reason"]
        updated = service(request=obj, actor=request.user, **kwargs)
        return Response(DataRequestSerializer(updated, context=self.get_serializer_context()).data)

    view.__name__ = url_path.replace("-", "_")
    view.__doc__ = service.__doc__
    decorated = extend_schema(
        request=ReasonSerializer if with_reason else None,
        responses=DataRequestSerializer,
        summary=(service.__doc__ or "").strip().rstrip("."),
    )(view)
    return action(detail=True, methods=["post"], url_path=url_path)(decorated)


class DataRequestViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Data requests the user's organisations make or receive; transitions as actions."""

    serializer_class = DataRequestSerializer
    filterset_class = DataRequestFilter
    ordering_fields = ["created_at", "due_on", "state", "title"]
    search_fields = ["title", "purpose"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    parser_classes = [BoundedJSONParser, MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[DataRequest]:
        return selectors.requests_visible_to(self.request.user).select_related(
            "requester", "provider"
        )

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # Refuse an announced over-size upload before anything reads the body (session
        # authentication's CSRF check would otherwise spool it all to a temporary file).
        if self.action == "submissions" and request.method == "POST":
            announced = request.META.get("CONTENT_LENGTH") or "0"
            limit = settings.DDMS_MAX_SUBMISSION_BYTES
            if announced.isdigit() and int(announced) > limit + MULTIPART_OVERHEAD:
                raise UploadTooLarge.for_limit(limit)
        super().initial(request, *args, **kwargs)

    @extend_schema(request=DataRequestCreateSerializer, responses={201: DataRequestSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = DataRequestCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        created = services.request_create(actor=request.user, **data.validated_data)
        return Response(DataRequestSerializer(created).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DataRequestUpdateSerializer, responses=DataRequestSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        obj = self.get_object()
        data = DataRequestUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        updated = services.request_update(request=obj, actor=request.user, **data.validated_data)
        return Response(DataRequestSerializer(updated).data)

    @extend_schema(exclude=True)
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not kwargs.get("partial"):
            return self.http_method_not_allowed(request)
        return super().update(request, *args, **kwargs)

    send = _transition_action(services.request_send, url_path="send")
    acknowledge = _transition_action(services.request_acknowledge, url_path="acknowledge")
    decline = _transition_action(services.request_decline, url_path="decline", with_reason=True)
    request_changes = _transition_action(
        services.request_changes, url_path="request-changes", with_reason=True
    )
    accept = _transition_action(services.request_accept, url_path="accept")
    close = _transition_action(services.request_close, url_path="close")
    withdraw = _transition_action(services.request_withdraw, url_path="withdraw", with_reason=True)

    @extend_schema(methods=["GET"], responses=RequestCommentSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=RequestCommentSerializer,
        responses={201: RequestCommentSerializer},
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None)
    def comments(self, request: Request, pk: str | None = None) -> Response:
        """The request's thread: read it, or add a message."""
        obj = self.get_object()
        if request.method == "POST":
            data = RequestCommentSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            comment = services.request_comment_add(
                request=obj, actor=request.user, body=data.validated_data["body"]
            )
            return Response(RequestCommentSerializer(comment).data, status=status.HTTP_201_CREATED)
        comments = obj.comments.select_related("author")
        return Response(RequestCommentSerializer(comments, many=True).data)

    @extend_schema(responses=EscalationStepSerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def escalation(self, request: Request, pk: str | None = None) -> Response:
        """The escalation ladder's steps taken for this request, oldest first."""
        steps = escalation_steps(self.get_object())
        return Response(EscalationStepSerializer(steps, many=True).data)

    @extend_schema(methods=["GET"], responses=SubmissionSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": SubmissionUploadSerializer},
        responses={201: SubmissionSerializer},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[MultiPartParser, FormParser],
        filter_backends=[],
        pagination_class=None,
    )
    def submissions(self, request: Request, pk: str | None = None) -> Response:
        """The request's uploads, newest first; POST a CSV or XLSX file as the next version."""
        obj = self.get_object()
        context = self.get_serializer_context()
        if request.method == "POST":
            data = SubmissionUploadSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            created = submission_upload(
                request=obj, uploaded_file=data.validated_data["file"], actor=request.user
            )
            created = Submission.objects.select_related("validation_run").get(pk=created.pk)
            return Response(
                SubmissionSerializer(created, context=context).data,
                status=status.HTTP_201_CREATED,
            )
        rows = obj.submissions.select_related("validation_run").order_by("-version")
        return Response(SubmissionSerializer(rows, many=True, context=context).data)


class SubmissionViewSet(viewsets.ReadOnlyModelViewSet):
    """Submissions the user may see, their validation reports and the original files."""

    serializer_class = SubmissionSerializer
    filterset_fields = ["request", "format"]
    ordering_fields = ["uploaded_at", "version"]

    def get_queryset(self) -> QuerySet[Submission]:
        return (
            selectors.submissions_visible_to(self.request.user)
            .select_related("validation_run")
            .order_by("-uploaded_at", "-pk")
        )

    def _finished_report(self) -> tuple[Submission, dict[str, Any]]:
        submission = self.get_object()
        run = getattr(submission, "validation_run", None)
        if run is None or run.status not in (RunStatus.PASSED, RunStatus.FAILED):
            current = run.status if run is not None else "missing"
            detail = f" ({run.last_error})" if run is not None and run.last_error else ""
            raise NotReady(
                f"The validation is '{current}'; there is no report yet{detail}.",
                run_status=current,
                rows_done=run.rows_done if run is not None else 0,
            )
        return submission, run.report

    @extend_schema(
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="Frictionless-style report")
        }
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def report(self, request: Request, pk: str | None = None) -> Response:
        """The validation report (Frictionless-compatible JSON); 409 until the run finishes."""
        _submission, report = self._finished_report()
        # Frictionless' fields unchanged, plus each entry's message in the reader's language
        return Response(explained_report(report))

    @extend_schema(
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV")}
    )
    def report_csv(self, request: Request, pk: str | None = None) -> HttpResponse:
        """The report's errors and warnings as CSV (formula-looking cells neutralised)."""
        submission, report = self._finished_report()
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for row in report_to_csv_rows(report):
            writer.writerow([neutralise_cell(cell) for cell in row])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="submission-{submission.pk}-v{submission.version}-report.csv"'
        )
        return response

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file exactly as uploaded"
            )
        }
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def download(self, request: Request, pk: str | None = None) -> FileResponse:
        """The original file, byte for byte."""
        submission = self.get_object()
        content_type = (
            "text/csv"
            if submission.format == "csv"
            else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response = stored_file_response(
            submission.file,
            filename=submission.original_name or submission.file.name,
            content_type=content_type,
        )
        response["X-Content-SHA256"] = submission.sha256
        return response


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: Any) -> str:
    """Prefix `'` to a cell a spreadsheet would run as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


class FulfilmentViewSet(viewsets.ViewSet):
    """Per organisation: requests answered on time or late, first-upload pass rate, light."""

    serializer_class = FulfilmentSerializer

    def _organisations(self) -> QuerySet[Any]:
        return selectors.fulfilment_organisations(self.request.user)

    @extend_schema(
        responses=FulfilmentSerializer(many=True),
        parameters=[
            OpenApiParameter("organisation", int, description="Only this organisation's record")
        ],
    )
    def list(self, request: Request) -> Response:
        orgs = self._organisations()
        wanted = request.query_params.get("organisation")
        if wanted:
            if not wanted.isdigit():
                raise DomainError("organisation must be an id.", fields={"organisation": [wanted]})
            orgs = orgs.filter(pk=int(wanted))
        records = selectors.fulfilment_for(list(orgs))
        return Response(FulfilmentSerializer(records, many=True).data)

    @extend_schema(
        responses=FulfilmentSerializer,
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description="Organisation")],
    )
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        if not (pk or "").isdigit():
            raise Http404
        org = self._organisations().filter(pk=int(pk or 0)).first()
        if org is None:
            raise Http404
        return Response(FulfilmentSerializer(selectors.fulfilment_for([org])[0]).data)
