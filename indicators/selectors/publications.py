"""Which releases and released values a viewer may see: the embargo rule, by time."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ddms_platform.core.httpcache import ContentVersion, content_generation
from ddms_platform.core.permissions import is_admin, staff_country_ids

from ..choices import RELEASABLE_STATES, WITHDRAWN_STATES
from ..models import Indicator, PreReleaseAccess, Publication, ReleasedObservation, Territory


def released_q(now: dt.datetime, prefix: str = "") -> Q:
    """Released means: on the calendar (scheduled or later) and its release time has come.

    Computed from the clock, not from the periodic job's state change, so the embargo lifts
    exactly at release_at even when the job is late, and never a moment earlier.
    """
    return Q(**{f"{prefix}state__in": RELEASABLE_STATES, f"{prefix}release_at__lte": now})


def own_country_publications_q(user: Any, prefix: str = "") -> Q | None:
    """The releases of the NSI staff's own country (by the owner of their indicators or their
    pilot's country); None for admins (every release), Q(pk__in=[]) for everyone else."""
    if is_admin(user):
        return None
    countries = staff_country_ids(user)
    if not countries:
        return Q(pk__in=[])
    owned = Publication.objects.filter(
        Q(indicators__owner__country_id__in=countries) | Q(pilot__country_id__in=countries)
    ).values("pk")
    return Q(**{f"{prefix}pk__in": owned})


def publications_visible(*, user: Any, now: dt.datetime | None = None) -> QuerySet[Publication]:
    """Releases the viewer may see: NSI staff all of their own country's, everyone the
    released ones of every country; admins all."""
    qs = Publication.objects.all()
    own = own_country_publications_q(user)
    if own is None:
        return qs
    return qs.filter(released_q(now or timezone.now()) | own)


def staff_publications(user: Any) -> QuerySet[Publication]:
    """The releases NSI staff work on: their own country's, in every state (admins: all)."""
    own = own_country_publications_q(user)
    qs = Publication.objects.all()
    return qs if own is None else qs.filter(own)


def publications_released(*, now: dt.datetime | None = None) -> QuerySet[Publication]:
    """Releases that are public at `now` (every version, including superseded ones)."""
    return Publication.objects.filter(released_q(now or timezone.now()))


def current_publication_ids(
    *, now: dt.datetime | None = None, indicator_id: int | None = None
) -> list[int]:
    """The latest released version of each series (one query): what open data serves."""
    qs = publications_released(now=now)
    if indicator_id is not None:
        qs = qs.filter(indicators=indicator_id)
    latest: dict[str, tuple[int, int]] = {}
    for pk, series, version in qs.values_list("pk", "series", "version"):
        if series not in latest or version > latest[series][0]:
            latest[series] = (version, pk)
    return sorted(pk for _v, pk in latest.values())


def released_observations_visible(
    *, user: Any, now: dt.datetime | None = None
) -> QuerySet[ReleasedObservation]:
    """Frozen values the viewer may see: those of released versions, and NSI staff every value
    of their own country's releases (admins all)."""
    qs = ReleasedObservation.objects.all()
    own = own_country_publications_q(user, prefix="publication__")
    if own is None:
        return qs
    return qs.filter(released_q(now or timezone.now(), prefix="publication__") | own)


# Per process: the last version read from the database, reused until the next release time,
# a new content generation, or VERSION_MEMO_SECONDS (for edits no signal saw, and for other
# processes when the cache is local memory).
VERSION_MEMO_SECONDS = 1.0
_memo: dict[str, Any] = {}


def public_version(*, now: dt.datetime | None = None) -> ContentVersion:
    """The version of everything public at `now`, for cache keys and ETags.

    It holds the newest release time that has come by the clock and how many releases have
    (so a scheduled release counts from its second, before the periodic job marks it, and
    never earlier), the latest edit and the row counts of releases, indicators and territories. Read with one query,
    then reused in this process while the clock is before the next release time and nothing
    was edited: a cached read costs no query.
    """
    now = now or timezone.now()
    generation = content_generation()
    memo = _memo.get("version")
    if (
        memo is not None
        and memo["generation"] == generation
        and memo["at"] <= now
        and (memo["next"] is None or now < memo["next"])
        and time.monotonic() - memo["read"] < VERSION_MEMO_SECONDS
    ):
        return memo["version"]  # type: ignore[no-any-return]
    version, upcoming = _read_version(now)
    _memo["version"] = {
        "version": version,
        "next": upcoming,
        "at": now,
        "generation": generation,
        "read": time.monotonic(),
    }
    return version


def _read_version(now: dt.datetime) -> tuple[ContentVersion, dt.datetime | None]:
    """(the version at `now`, the next release time after it) in one query."""
    pub, ind, ter = (m._meta.db_table for m in (Publication, Indicator, Territory))
    states = ", ".join(["%s"] * len(RELEASABLE_STATES))
    # Table names come from the models and every value is bound: nothing user-given is spliced.
    released = f"FROM {pub} WHERE state IN ({states}) AND release_at"  # noqa: S608
    parts = [f"(SELECT MAX(release_at) {released} <= %s)", f"(SELECT COUNT(*) {released} <= %s)"]
    for table in (pub, ind, ter):
        parts += [f"(SELECT MAX(updated_at) FROM {table})", f"(SELECT COUNT(*) FROM {table})"]  # noqa: S608
    parts.append(f"(SELECT MIN(release_at) {released} > %s)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), [*RELEASABLE_STATES, now] * 3)
        *row, upcoming = cursor.fetchone()
    times = [_as_datetime(row[i]) for i in (0, 2, 4, 6)]
    token = "|".join("-" if v is None else str(v) for v in row)
    latest = max((t for t in times if t is not None), default=None)
    return ContentVersion(token, latest), _as_datetime(upcoming)


def _as_datetime(value: Any) -> dt.datetime | None:
    # SQLite answers a raw MAX() over a datetime column as text.
    if value is None or isinstance(value, dt.datetime):
        return value
    parsed = parse_datetime(str(value))
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, dt.UTC)
    return parsed


def announced_publications() -> QuerySet[Publication]:
    """Releases on the public calendar (announced, postponed or cancelled), values or not."""
    return Publication.objects.filter(
        state__in=(*RELEASABLE_STATES, *WITHDRAWN_STATES), release_at__isnull=False
    )


def pre_release_list(publication: Publication) -> list[dict[str, Any]]:
    """Who had pre-release access, how early, and how often they looked (published with it)."""
    from django.db.models import Count

    return [
        {
            "name": a.user.get_full_name() or a.user.get_username(),
            "hours": a.hours,
            "purpose": a.purpose,
            "views": a.n_views,
        }
        for a in PreReleaseAccess.objects.filter(publication=publication)
        .select_related("user")
        .annotate(n_views=Count("views"))
        .order_by("granted_at")
    ]


def last_public_version(publication: Publication) -> Publication | None:
    """The newest released version of the publication's series other than itself."""
    return (
        publications_released()
        .filter(series=publication.series)
        .exclude(pk=publication.pk)
        .order_by("-version")
        .first()
    )


def calendar_entries(
    *, now: dt.datetime | None = None, indicator: str = "", topic: str = ""
) -> list[dict[str, Any]]:
    """The public release calendar, announced entries included when postponed or cancelled.

    An upcoming release shows its date, title, state and indicators, never values; optional
    filters keep entries with an indicator of that code or topic.
    """
    now = now or timezone.now()
    rows: list[Any] = list(
        announced_publications()
        .order_by("release_at", "series", "version")
        .values_list(
            "pk",
            "title",
            "release_at",
            "version",
            "series",
            "supersedes_id",
            "state",
            "calendar_reason",
            "calendar_sequence",
            "calendar_written_at",
            "updated_at",
        )
    )
    # An indicator whose first release is still embargoed does not exist yet for the public:
    # an announcement names only indicators already public.
    public = set(
        Indicator.objects.filter(publications__in=current_publication_ids(now=now)).values_list(
            "pk", flat=True
        )
    )
    links: dict[int, list[tuple[int, str, str]]] = {}
    for pk, indicator_id, code, topic_ in Publication.indicators.through.objects.filter(
        publication_id__in=[r[0] for r in rows]
    ).values_list("publication_id", "indicator_id", "indicator__code", "indicator__topic"):
        links.setdefault(pk, []).append((indicator_id, code, topic_))
    codes: dict[int, list[str]] = {}
    kept: list[Any] = []
    for row in rows:
        pk, release_at, state = row[0], row[2], row[6]
        released = state in RELEASABLE_STATES and release_at <= now
        named = [(c, t) for i, c, t in links.get(pk, []) if released or i in public]
        if (indicator and indicator not in {c for c, _t in named}) or (
            topic and topic not in {t for _c, t in named}
        ):
            continue
        codes[pk] = sorted(c for c, _t in named)
        kept.append(row)
    rows = kept
    latest: dict[str, int] = {}
    for _pk, _t, release_at, version, series, _sup, state, *_rest in rows:
        if state in RELEASABLE_STATES and release_at <= now:
            latest[series] = max(version, latest.get(series, 0))
    entries: list[dict[str, Any]] = []
    for (
        pk,
        title,
        release_at,
        version,
        series,
        supersedes_id,
        state,
        reason,
        seq,
        written,
        upd,
    ) in rows:
        entry = {
            "id": pk,
            "release_at": release_at,
            "title": title,
            "state": state,
            "reason": reason,
            "indicators": sorted(codes.get(pk, [])),
            "sequence": seq,
            "written_at": written or upd,
        }
        if state in WITHDRAWN_STATES or release_at > now:
            # Embargo: the announcement only — date, title, state, indicators; no values.
            entries.append({**entry, "released": False})
            continue
        entries.append(
            {
                **entry,
                "state": "published" if version == latest[series] else "superseded",
                "released": True,
                "series": series,
                "version": version,
                "superseded": version < latest[series],
                "supersedes": supersedes_id,
            }
        )
    return entries


def indicators_visible(user: Any) -> QuerySet[Indicator]:
    """The catalogue: the active indicators with a public release, of every country (an
    indicator whose first release is still embargoed does not exist yet); NSI staff also every
    indicator their own country's NSI owns; admins all."""
    qs = Indicator.objects.select_related("owner")
    if is_admin(user):
        return qs
    public = Q(
        is_active=True, pk__in=Indicator.objects.filter(publications__in=current_publication_ids())
    )
    countries = staff_country_ids(user)
    if countries:
        return qs.filter(public | Q(owner__country_id__in=countries))
    return qs.filter(public)


def staff_indicators(user: Any) -> QuerySet[Indicator]:
    """The indicators NSI staff work on: their own country's NSI's (admins: all)."""
    qs = Indicator.objects.select_related("owner")
    return qs if is_admin(user) else qs.filter(owner__country_id__in=staff_country_ids(user))
