"""Public indicator pages, the release calendar, the city dashboard and NSI publication forms."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ddms_platform.core.httpcache import cached_page
from ddms_platform.core.limits import client_ip
from ddms_platform.core.permissions import (
    ACTING_ROLES,
    LOCAL_GOVERNMENT_KINDS,
    is_city_staff,
    is_nsi_staff,
    member_org_ids,
)
from ddms_platform.web.helpers import call_service
from partnerships.models import Organisation, Pilot
from partnerships.services import requests as request_services

from . import dashboards, visuals
from .forms import DataNeedForm, SubscribeForm
from .models import Indicator, Publication
from .periods import dims_key
from .sdmx.codes import sdmx_lang
from .sdmx.metadata import metadata_sections
from .selectors.evidence import evidence_visible
from .selectors.publications import (
    announced_publications,
    current_publication_ids,
    pre_release_list,
    public_version,
    publications_released,
    publications_visible,
)
from .services.subscriptions import subscription_create
from .urls_public import indicator_page_url


def _services() -> Any:
    from . import services

    return services


# Public pages change only when the public content does (a release going public, an edit).
public_page = cached_page(public_version)


@public_page
def catalogue(request: HttpRequest) -> HttpResponse:
    """Published indicators with search and filters on topic and SDG target."""
    q = request.GET.get("q", "").strip()
    topic = request.GET.get("topic", "").strip()
    sdg = request.GET.get("sdg", "").strip()
    indicators = dashboards.public_indicators(q=q, topic=topic, sdg=sdg)
    topics = sorted(set(dashboards.public_indicators().values_list("topic", flat=True)))
    return render(
        request,
        "indicators/catalogue.html",
        {"indicators": indicators[:500], "topics": topics, "q": q, "topic": topic, "sdg": sdg},
    )


class AmbiguousIndicator(Exception):
    """A bare code that several owners' public indicators share."""

    def __init__(self, matches: list[Indicator]) -> None:
        super().__init__("ambiguous indicator code")
        self.matches = matches


def _public_indicator(code: str, agency: str | None = None) -> Indicator:
    """The public indicator /indicators/[<AGENCY>/]<CODE>/ names (404 if none is public)."""
    qs = dashboards.public_indicators().filter(code=code)
    if agency is not None:
        qs = qs.filter(owner__agency_id__iexact=agency)
    matches = list(qs[:20])
    if not matches:
        raise Http404
    if len(matches) > 1:
        raise AmbiguousIndicator(matches)
    return matches[0]


def _choose(request: HttpRequest, ambiguous: AmbiguousIndicator) -> HttpResponse:
    """The bare code names indicators of several NSIs: list them (each links its own page)."""
    return render(
        request,
        "indicators/catalogue.html",
        {"indicators": ambiguous.matches, "topics": [], "q": "", "topic": "", "sdg": ""},
    )


def indicator_view_context(request: HttpRequest, indicator: Indicator) -> dict[str, Any]:
    """The chart panels, table, map and share links of one indicator in the URL's state."""
    state = dashboards.view_state(request.GET, indicator)
    rows = dashboards.released_series(
        indicator, dims=state["dims"], territories=state["territories"]
    )
    query = dashboards.state_query(state)
    page = request.build_absolute_uri(indicator_page_url(indicator))
    embed = request.build_absolute_uri(indicator_page_url(indicator, "embed"))
    return {
        "indicator": indicator,
        "state": state,
        "rows": rows,
        "panels": visuals.chart_panels(indicator, rows),
        "table": visuals.table_rows(indicator, rows),
        "map": visuals.map_data(
            indicator, rows, period=state["period"], dims_key=map_slice(indicator, state)
        ),
        "share": {
            "link": f"{page}?{query}" if query else page,
            "embed": f"{embed}?{query}" if query else embed,
        },
    }


def map_slice(indicator: Indicator, state: dict[str, Any]) -> str:
    """The dims key the map draws: the chosen codes, the total for any dimension not chosen."""
    chosen = {
        d: state["dims"].get(d) or ("_T" if "_T" in codes else codes[0])
        for d, codes in (indicator.dimensions or {}).items()
        if codes
    }
    return dims_key(chosen)


@public_page
def indicator_detail(request: HttpRequest, code: str, agency: str | None = None) -> HttpResponse:
    """Chart panels, map, data table, metadata, lineage, downloads, evidence and subscribing."""
    try:
        indicator = _public_indicator(code, agency)
    except AmbiguousIndicator as ambiguous:
        return _choose(request, ambiguous)
    context = indicator_view_context(request, indicator)
    rows = context["rows"]
    lineage = {
        (r.submission.sha256, r.submission.request_id) for r in rows if r.submission is not None
    }
    return render(
        request,
        "indicators/indicator_detail.html",
        {
            **context,
            "dimensions": [
                (
                    d,
                    [(c, c) for c in codes],  # the template labels each code
                    context["state"]["dims"].get(d, ""),
                )
                for d, codes in indicator.dimensions.items()
            ],
            "publications": Publication.objects.filter(
                pk__in=current_publication_ids(indicator_id=indicator.pk)
            ),
            "lineage": sorted(lineage),
            "sources": indicator.source_organisations.all(),
            "downloads": dashboards.download_links(indicator),
            "reference_metadata": metadata_sections(indicator, sdmx_lang()),
            "subscribe_form": SubscribeForm(),
            "evidence": evidence_visible(user=request.user).filter(indicator=indicator)[:50],
        },
    )


@require_POST
def indicator_subscribe(request: HttpRequest, code: str, agency: str | None = None) -> HttpResponse:
    """Follow an indicator: accounts at once, e-mail addresses after confirmation."""
    try:
        indicator = _public_indicator(code, agency)
    except AmbiguousIndicator as ambiguous:
        return _choose(request, ambiguous)
    form = SubscribeForm(request.POST)
    ok = False
    if form.is_valid():
        ok, _sub = call_service(
            request,
            subscription_create,
            _("Subscribed. E-mail subscriptions start once the address is confirmed."),
            form=form,
            actor=request.user,
            indicators=[indicator],
            email=form.cleaned_data["email"],
            client_ip=client_ip(request),
        )
    if ok and request.user.is_authenticated:
        return redirect(reverse("subscription-manage"))
    if not ok and form.errors:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect(indicator_page_url(indicator))


@public_page
def release_calendar(request: HttpRequest) -> HttpResponse:
    """Announced and recent releases, filtered by indicator or topic; never embargoed values."""
    indicator = request.GET.get("indicator", "").strip()[:50]
    topic = request.GET.get("topic", "").strip()[:50]
    query = urlencode({k: v for k, v in (("indicator", indicator), ("topic", topic)) if v})
    codes, topics = dashboards.calendar_choices()
    return render(
        request,
        "indicators/release_calendar.html",
        {
            "releases": dashboards.release_calendar(indicator=indicator, topic=topic),
            "indicator": indicator,
            "topic": topic,
            "indicator_codes": codes,
            "topics": topics,
            "ics_url": reverse("release-calendar-ics") + (f"?{query}" if query else ""),
        },
    )


@public_page
def release_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One release: what it contains and when it came out, or its announcement before then
    (date, title, state and reason — never a value). NSI staff see any state."""
    own = (
        publications_visible(user=request.user)
        .prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.select_related("owner"))
        )
        .filter(pk=pk)
        .first()
    )
    publication = (
        own
        or announced_publications()
        .prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.select_related("owner"))
        )
        .filter(pk=pk)
        .first()
    )
    if publication is None:
        raise Http404
    released = publications_released().filter(pk=pk).exists()
    public = set(dashboards.public_indicators().values_list("pk", flat=True))
    return render(
        request,
        "indicators/release_detail.html",
        {
            "publication": publication,
            "released": released,
            # Before its time a release names only indicators that are public already.
            "indicators": [
                (i, i.pk in public)
                for i in publication.indicators.all()
                # NSI staff see every indicator of their own country's releases only.
                if released or i.pk in public or (own is not None and is_nsi_staff(request.user))
            ],
            "pre_release": pre_release_list(publication) if released else [],
        },
    )


@login_required
def release_pre_release(request: HttpRequest, pk: int) -> HttpResponse:
    """A named user reads a scheduled release early; each view is logged. Anyone else (or
    outside the window) is sent to the public page, which shows what the public may see."""
    publication = get_object_or_404(Publication, pk=pk)
    access = _services().pre_release_open(user=request.user, publication=publication)
    if access is None:
        return redirect(reverse("indicators:release-detail", args=[pk]))
    return render(
        request,
        "indicators/release_pre_release.html",
        {
            "publication": publication,
            "access": access,
            "rows": publication.released_observations.order_by(
                "indicator_code", "territory_code", "period_start", "dims_key"
            )[:2000],
        },
    )


def _need_pilots(user: Any) -> Any:
    """Pilots of the local governments the user acts for: where a need can be routed."""
    return Pilot.objects.filter(
        local_government_id__in=Organisation.objects.filter(
            pk__in=member_org_ids(user, ACTING_ROLES), kind__in=LOCAL_GOVERNMENT_KINDS
        ).values("pk")
    ).order_by("name")


@login_required
@require_POST
def data_need_create(request: HttpRequest) -> HttpResponse:
    """A city tells the NSI what data it needs: one service creates and sends it."""
    if not is_city_staff(request.user):
        raise Http404
    form = DataNeedForm(request.POST, pilots=_need_pilots(request.user))
    if not form.is_valid():
        return render(request, "indicators/data_need.html", {"form": form}, status=400)
    ok, need = call_service(
        request,
        request_services.data_need_submit,
        _("Your data need was sent to the NSI."),
        form=form,
        actor=request.user,
        pilot=form.cleaned_data["pilot"],
        title=form.cleaned_data["title"],
        purpose=form.cleaned_data["purpose"],
        due_on=form.cleaned_data["due_on"],
        table_schema=form.table_schema(),
    )
    if ok and need is not None:
        return redirect(reverse("partnerships:request-detail", args=[need.pk]))
    if form.errors:
        return render(request, "indicators/data_need.html", {"form": form}, status=400)
    return redirect(reverse("indicators:city-dashboard"))


@login_required
def partner_value(request: HttpRequest) -> HttpResponse:
    """What my organisation's data fed: releases, indicators, targets, subscribers, downloads."""
    from .selectors.partner_value import partner_value as values_for

    return render(request, "indicators/partner_value.html", {"values": values_for(request.user)})
