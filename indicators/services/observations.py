"""Loading an accepted submission into observations: mapped, checked, all or nothing."""

from __future__ import annotations

import decimal
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from django.db import transaction
from django.utils import timezone

from ddms_platform import tabular
from ddms_platform.core.audit import audit_record
from ddms_platform.core.errors import DomainError, NotPermitted
from ddms_platform.core.jobs import JobRunner
from ddms_platform.core.permissions import require_nsi_staff
from partnerships.choices import RequestState, RunStatus
from partnerships.models import Submission

from ..choices import ObsStatus
from ..models import Indicator, Observation, ObservationLoad, Territory
from ..models.observations import VALUE_DECIMALS, VALUE_DIGITS
from ..periods import dims_key, parse_period, period_bound
from .four_eyes import request_accepted_by, require_second_pair
from .reading import open_table

BATCH_SIZE = 5000
MAX_REPORTED_ERRORS = 100
MAPPING_KEYS = {
    "territory",
    "period",
    "value",
    "dimensions",
    "status",
    "count",
    "confirm_without_count",
}
# A row may leave the value empty only when its status says why.
EMPTY_VALUE_STATUSES = {ObsStatus.MISSING, ObsStatus.MISSING_NOT_COLLECTED, ObsStatus.CONFIDENTIAL}
_QUANTUM = decimal.Decimal(1).scaleb(-VALUE_DECIMALS)
_LIMIT = decimal.Decimal(10) ** (VALUE_DIGITS - VALUE_DECIMALS)


@dataclass
class Mapping:
    """Which file column holds the territory code, period, value, each dimension, status, count."""

    territory: str
    period: str
    value: str
    dimensions: dict[str, str] = field(default_factory=dict)
    status: str | None = None
    count: str | None = None
    # The NSI confirms that values without a count are safe to release (audited).
    confirm_without_count: bool = False
    # The period of the deliverable's request the submission answers ("" for a one-off): it
    # fills a missing period column, and every row's period must fall inside it.
    request_period: str = ""

    @classmethod
    def parse(cls, raw: Any, indicator: Indicator, *, request_period: str = "") -> Mapping:
        """Check the mapping's shape against the indicator's dimensions."""
        if not isinstance(raw, dict):
            raise DomainError("The mapping must be an object.", code="invalid_mapping")
        unknown = sorted(set(raw) - MAPPING_KEYS)
        required = {"territory", "value"} | (set() if request_period else {"period"})
        missing = sorted(required - set(raw))
        if unknown or missing:
            raise DomainError(
                "The mapping is incomplete or has unknown keys.",
                code="invalid_mapping",
                unknown=unknown,
                missing=missing,
            )
        dims = raw.get("dimensions") or {}
        if not isinstance(dims, dict) or not all(isinstance(v, str) for v in dims.values()):
            raise DomainError(
                "mapping.dimensions must map dimension ids to column names.",
                code="invalid_mapping",
            )
        expected = set(indicator.dimension_ids)
        if set(dims) != expected:
            raise DomainError(
                f"Map every dimension of {indicator.code} and no other: "
                f"expected {sorted(expected)}, got {sorted(dims)}.",
                code="invalid_mapping",
            )
        for key in ("territory", "period", "value", "status", "count"):
            if raw.get(key) is not None and not isinstance(raw[key], str):
                raise DomainError(f"mapping.{key} must be a column name.", code="invalid_mapping")
        confirm = raw.get("confirm_without_count", False)
        if not isinstance(confirm, bool):
            raise DomainError(
                "mapping.confirm_without_count must be true or false.", code="invalid_mapping"
            )
        parsed = cls(
            territory=raw["territory"],
            period=raw.get("period") or "",
            value=raw["value"],
            dimensions=dict(dims),
            status=raw.get("status") or None,
            count=raw.get("count") or None,
            confirm_without_count=confirm,
            request_period=request_period,
        )
        if indicator.min_cell_count is not None and not parsed.count and not confirm:
            raise DomainError(
                f"{indicator.code} has a disclosure rule (at least {indicator.min_cell_count} "
                "units per value): map the column holding each value's count, or confirm "
                "explicitly that values without a count are safe to release.",
                code="count_required",
                fields={"count": ["Required by the indicator's disclosure rule."]},
            )
        return parsed

    def columns(self) -> list[tuple[str, str]]:
        """(role, column) pairs, for the unknown-column check."""
        pairs = [("territory", self.territory), ("value", self.value)]
        if self.period:
            pairs.insert(1, ("period", self.period))
        pairs += [(f"dimensions.{d}", c) for d, c in self.dimensions.items()]
        pairs += [(k, c) for k, c in (("status", self.status), ("count", self.count)) if c]
        return pairs


def _check_loadable(submission: Submission, actor: Any) -> None:
    request = submission.request
    require_second_pair(
        actor=actor,
        preparer_id=request_accepted_by(request),
        what="accepting a submission into observations",
    )
    if request.state not in (RequestState.ACCEPTED, RequestState.CLOSED):
        raise DomainError(
            f"Only submissions of accepted requests can be loaded (request is {request.state}).",
            code="not_accepted",
        )
    run = getattr(submission, "validation_run", None)
    if run is None or run.status != RunStatus.PASSED:
        raise DomainError(
            "Only submissions whose validation passed can be loaded.", code="not_validated"
        )
    accepted = request.submissions.order_by("-version").values_list("pk", flat=True).first()
    if accepted != submission.pk:
        raise DomainError(
            "Only the latest version of the accepted submission can be loaded.",
            code="not_latest_version",
        )


class _Errors:
    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []
        self.count = 0

    def add(self, rows: Any, field_name: str, values: Any, note: str) -> None:
        for row, value in zip(rows, values, strict=True):
            self.count += 1
            if len(self.items) < 10 * MAX_REPORTED_ERRORS:
                self.items.append(
                    {"rowNumber": int(row), "fieldName": field_name, "value": value, "note": note}
                )


def _decimal(text: str) -> decimal.Decimal | None:
    try:
        number = decimal.Decimal(text)
    except decimal.InvalidOperation:
        return None
    if not number.is_finite() or abs(number) >= _LIMIT:
        return None
    return number.quantize(_QUANTUM)


def _prepare(
    df: pd.DataFrame,
    mapping: Mapping,
    indicator: Indicator,
    errors: _Errors,
    seen: dict[tuple[Any, ...], int],
) -> dict:
    """Vectorised checks of one chunk of rows; returns its cleaned columns, adds to `errors`.

    `seen` maps each observation key met in earlier chunks to its first row, so a key
    repeated anywhere in the file is found. Cells arrive as canonical text of their schema
    type (None when not of the type, which validation has already refused).
    """
    rownum = pd.Series(df.index.to_numpy(), index=df.index)  # physical row numbers
    col = {role: df[c].fillna("").astype(str).str.strip() for role, c in mapping.columns()}
    raw_values = col["value"]

    codes = col["territory"]
    known = dict(
        # Territory codes are unique per country: the indicator owner's country's.
        Territory.objects.filter(
            country_id=indicator.owner.country_id, code__in=codes.unique().tolist()
        ).values_list("code", "pk")
    )
    territory_id = codes.map(known)
    bad = territory_id.isna()
    errors.add(rownum[bad], mapping.territory, codes[bad], "unknown territory code")

    if not mapping.period:  # the request's period for every row
        col["period"] = pd.Series(mapping.request_period, index=df.index)
    periods = {p: parse_period(p) for p in col["period"].unique().tolist()}
    parsed = col["period"].map(periods)
    bad = parsed.isna()
    errors.add(
        rownum[bad], mapping.period, col["period"][bad], "not a period (2024, 2024-Q1, 2024-03)"
    )
    if mapping.request_period and mapping.period:
        start, end = (
            period_bound(mapping.request_period),
            period_bound(mapping.request_period, end=True),
        )
        outside = parsed.map(
            lambda p: (
                isinstance(p, tuple)
                and not (start is not None and end is not None and start <= p[2] < end)
            )
        ).astype(bool)
        errors.add(
            rownum[outside],
            mapping.period,
            col["period"][outside],
            f"outside the request's period {mapping.request_period}",
        )

    for dim, column in mapping.dimensions.items():
        allowed = indicator.dimensions[dim]
        bad = ~col[f"dimensions.{dim}"].isin(allowed)
        errors.add(
            rownum[bad],
            column,
            col[f"dimensions.{dim}"][bad],
            f"not a code of dimension {dim} ({', '.join(allowed)})",
        )

    values = raw_values.map(lambda t: _decimal(t) if t else None)
    bad = (raw_values != "") & values.isna()
    errors.add(rownum[bad], mapping.value, raw_values[bad], "not a number (or too large)")

    if mapping.status:
        status = col["status"].str.upper()
        status = status.where(status != "", None)
        bad = status.notna() & ~status.isin(ObsStatus.values)
        errors.add(
            rownum[bad], mapping.status, col["status"][bad], "not an SDMX observation status"
        )
    else:
        status = pd.Series([None] * len(df), index=df.index, dtype=object)
    empty = raw_values == ""
    status = status.where(status.notna(), empty.map({True: "M", False: "A"}))
    bad = empty & ~status.isin(list(EMPTY_VALUE_STATUSES))
    errors.add(rownum[bad], mapping.value, raw_values[bad], "empty value needs status M, O or C")

    if mapping.count:
        raw_count = col["count"]
        count = pd.to_numeric(raw_count.where(raw_count != "", None), errors="coerce")
        bad = ((raw_count != "") & count.isna()) | (count < 0) | (count.notna() & (count % 1 != 0))
        errors.add(rownum[bad], mapping.count, raw_count[bad], "not a whole number ≥ 0")
        if indicator.min_cell_count is not None and not mapping.confirm_without_count:
            # A value with no count would escape the disclosure rule unchecked.
            bad = (raw_count == "") & (raw_values != "")
            errors.add(
                rownum[bad],
                mapping.count,
                raw_count[bad],
                f"empty count: {indicator.code} needs the number of units behind each value",
            )
    else:
        count = pd.Series([None] * len(df), index=df.index, dtype=object)

    dims_frame = pd.DataFrame({d: col[f"dimensions.{d}"] for d in mapping.dimensions})
    keys = (
        dims_frame.apply(lambda r: dims_key(r.to_dict()), axis=1)
        if len(mapping.dimensions) and len(df)
        else pd.Series([""] * len(df), index=df.index)
    )
    canonical_period = parsed.map(lambda p: p[0] if isinstance(p, tuple) else None)
    repeated_rows, repeated_codes, firsts = [], [], []
    for row, identity in zip(rownum, zip(codes, canonical_period, keys, strict=True), strict=True):
        first = seen.setdefault(identity, int(row))
        if first != row:
            repeated_rows.append(row)
            repeated_codes.append(identity[0])
            firsts.append(first)
    if repeated_rows:
        errors.add(
            repeated_rows,
            mapping.territory,
            repeated_codes,
            "repeats the territory, period and dimensions of an earlier row",
        )
        for item, first in zip(errors.items[-len(firsts) :], firsts, strict=False):
            item["note"] += f" (row {first})"
    return {
        "territory_id": territory_id,
        "parsed": parsed,
        "dims": dims_frame,
        "keys": keys,
        "values": values,
        "status": status,
        "count": count,
    }


def _observations(
    clean: dict, indicator: Indicator, submission: Submission, confirm: bool
) -> Iterator[Observation]:
    dims_records = clean["dims"].to_dict("records") if len(clean["dims"].columns) else None
    for i, (territory_id, parsed, key, value, status, count) in enumerate(
        zip(
            clean["territory_id"],
            clean["parsed"],
            clean["keys"],
            clean["values"],
            clean["status"],
            clean["count"],
            strict=True,
        )
    ):
        yield Observation(
            indicator_id=indicator.pk,
            territory_id=int(territory_id),
            period=parsed[0],
            period_type=parsed[1],
            period_start=parsed[2],
            dims=dims_records[i] if dims_records else {},
            dims_key=key,
            value=value,
            status=status,
            count=None if count is None or pd.isna(count) else int(count),
            disclosure_confirmed=confirm and (count is None or pd.isna(count)),
            submission_id=submission.pk,
        )


def require_load_rights(actor: Any, submission: Submission, indicator: Indicator) -> None:
    """Only staff of the indicator owner's country load, and only a submission of a request
    asked in that country (NotPermitted otherwise)."""
    require_nsi_staff(actor, country=indicator.owner.country_id)
    request = submission.request
    countries = {request.requester.country_id, request.provider.country_id}
    if indicator.owner.country_id not in countries:
        raise NotPermitted("The submission belongs to another country's request.")


def observations_load(
    *, submission: Submission, mapping: Any, indicator: Indicator, actor: Any
) -> dict[str, Any]:
    """Load an accepted submission into observations; any bad row rejects the whole file."""
    require_load_rights(actor, submission, indicator)
    _check_loadable(submission, actor)
    parsed_mapping = Mapping.parse(mapping, indicator, request_period=submission.request.period)
    try:
        with open_table(submission) as table, transaction.atomic():
            return _load_rows(table, submission, parsed_mapping, indicator, actor)
    except tabular.UnusableSource as exc:  # e.g. a sheet broken half-way
        raise DomainError(f"The file cannot be read: {exc}", code="unreadable_file") from exc


def _load_rows(
    table: Any, submission: Submission, mapping: Mapping, indicator: Indicator, actor: Any
) -> dict[str, Any]:
    unknown = [c for _role, c in mapping.columns() if c not in table.labels]
    if unknown:
        raise DomainError(
            f"The mapping names columns the file does not have: {', '.join(unknown)}.",
            code="unknown_column",
            columns=unknown,
            available=[str(c) for c in table.labels],
        )
    errors = _Errors()
    seen: dict[tuple[Any, ...], int] = {}
    rows = 0
    started = timezone.now()
    # Chunk by chunk in one transaction: memory stays bounded, and any error rolls back all.
    for df in table.frames([c for _role, c in mapping.columns()]):
        clean = _prepare(df, mapping, indicator, errors, seen)
        rows += len(df)
        if errors.count:
            continue  # keep checking to report every error, but write nothing more
        # Upsert on the observation key keeps ids (and so release lineage) stable across loads.
        Observation.objects.bulk_create(
            _observations(clean, indicator, submission, mapping.confirm_without_count),
            batch_size=BATCH_SIZE,
            update_conflicts=True,
            unique_fields=["indicator", "territory", "period", "dims_key"],
            update_fields=[
                "period_type",
                "period_start",
                "dims",
                "value",
                "status",
                "count",
                "disclosure_confirmed",
                "submission",
                "updated_at",
            ],
        )
    if errors.count:
        errors.items.sort(key=lambda e: (e["rowNumber"], e["fieldName"]))
        numbers = sorted({e["rowNumber"] for e in errors.items})
        shown = ", ".join(str(r) for r in numbers[:20]) + (" …" if len(numbers) > 20 else "")
        # raised inside the transaction: everything written above is rolled back
        raise DomainError(
            f"{errors.count} error(s) in rows {shown}; nothing was loaded.",
            code="load_rejected",
            rows=numbers[:MAX_REPORTED_ERRORS],
            errors=errors.items[:MAX_REPORTED_ERRORS],
            error_count=errors.count,
        )
    # Rows this submission loaded before under a key the file no longer has.
    stale, _ = Observation.objects.filter(
        submission=submission, indicator=indicator, updated_at__lt=started
    ).delete()
    result = {
        "submission": submission.pk,
        "indicator": indicator.code,
        "rows": rows,
        "removed": stale,
    }
    if mapping.confirm_without_count:
        result["confirmed_without_count"] = Observation.objects.filter(
            submission=submission, indicator=indicator, disclosure_confirmed=True
        ).count()
        audit_record(
            actor=actor,
            action="observations.disclosure_confirmed",
            obj=submission,
            after={"indicator": indicator.code, "cells": result["confirmed_without_count"]},
        )
    audit_record(actor=actor, action="observations.load", obj=submission, after=result)
    return result


@transaction.atomic
def observation_load_request(
    *, submission: Submission, mapping: Any, indicator: Indicator, actor: Any
) -> ObservationLoad:
    """Record a load job (after checking what can be checked now) and queue it after commit."""
    require_load_rights(actor, submission, indicator)
    _check_loadable(submission, actor)
    Mapping.parse(mapping, indicator, request_period=submission.request.period)
    load = ObservationLoad.objects.create(
        submission=submission,
        indicator=indicator,
        mapping=mapping,
        requested_by=actor if actor.is_authenticated else None,
    )
    audit_record(
        actor=actor,
        action="observations.load_requested",
        obj=load,
        after={"submission": submission.pk, "indicator": indicator.code, "mapping": mapping},
    )
    from ..tasks import load_submission

    load_submission.queue_after_commit(load.pk)
    return load


class ObservationLoadRunner(JobRunner[ObservationLoad]):
    """Run a recorded load job: an upsert in one transaction, so a re-run changes nothing."""

    model = ObservationLoad
    label = "Loading"
    select_related = ("submission__request", "indicator", "requested_by")

    def execute(self, job: ObservationLoad) -> dict[str, Any]:
        result = observations_load(
            submission=job.submission,
            mapping=job.mapping,
            indicator=job.indicator,
            actor=job.requested_by,
        )
        return {"status": ObservationLoad.Status.DONE, "result": result}

    def failure(self, job: ObservationLoad, exc: Exception) -> dict[str, Any] | None:
        if isinstance(exc, DomainError):  # the file or mapping was rejected: rows are named
            return {
                "status": ObservationLoad.Status.FAILED,
                "result": {"code": exc.code, "message": exc.message, **exc.extra},
                "last_error": exc.message,
            }
        return None


observation_load_runner = ObservationLoadRunner()


def observation_load_run(*, load_id: int) -> str:
    """Run a recorded load job and store its outcome on the job row; returns its status."""
    observation_load_runner.run(load_id)
    return ObservationLoad.objects.values_list("status", flat=True).get(pk=load_id)
