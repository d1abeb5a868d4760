"""The city dashboard, the public progress page of a pilot, the embeds and the evidence log."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from csp.decorators import csp_replace
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_POST

from ddms_platform.core.permissions import is_city_staff, member_org_ids
from ddms_platform.core.storage import stored_file_response
from ddms_platform.web.helpers import call_service
from partnerships.models import Pilot

from . import dashboards, visuals
from .forms import DataNeedForm, EvidenceForm
from .models import Indicator, Publication, Territory
from .selectors.evidence import evidence_visible
from .selectors.monitoring import pilot_monitoring
from .services.evidence import evidence_figure, evidence_record
from .views import (
    AmbiguousIndicator,
    _need_pilots,
    _public_indicator,
    indicator_view_context,
    public_page,
)

DASHBOARD_INDICATORS = 24


def embeddable(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponseBase]:
    """The one kind of page other sites may frame: its own frame-ancestors, no X-Frame-Options.

    Read at each request, so DDMS_EMBED_FRAME_ANCESTORS (and a test's override) applies.
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        sources = list(settings.DDMS_EMBED_FRAME_ANCESTORS) or ["'none'"]
        framed = csp_replace({"frame-ancestors": sources})(xframe_options_exempt(view))
        return framed(request, *args, **kwargs)

    return wrapper


@embeddable
@public_page
def embed_indicator(request: HttpRequest, code: str, agency: str | None = None) -> HttpResponse:
    """A chart, map or tile of one indicator, chosen by URL parameters, for other sites."""
    try:
        indicator = _public_indicator(code, agency)
    except AmbiguousIndicator:
        raise Http404 from None  # a bare code several NSIs share: the embed names its owner
    context = indicator_view_context(request, indicator)
    tile = None
    if context["state"]["view"] == "tile":
        codes = context["state"]["territories"][:1]
        territory = (
            Territory.objects.filter(country_id=indicator.owner.country_id, code__in=codes).first()
            if codes
            else None
        )
        if territory is None and context["rows"]:
            territory = context["rows"][0].territory
        tile = visuals.indicator_tiles([indicator], territory)[0] | {"territory": territory}
    return render(request, "indicators/embed.html", {**context, "tile": tile})


def _pilot_indicators(pilots: list[Pilot], codes: set[str]) -> list[Indicator]:
    public = dashboards.public_indicators()
    released_for_pilots = Publication.objects.filter(pilot__in=pilots).values("indicators")
    # Policy targets name codes, unique per NSI: the pilots' own countries' indicators.
    countries = {p.country_id for p in pilots}
    chosen = public.filter(pk__in=released_for_pilots) | public.filter(
        code__in=codes, owner__country_id__in=countries
    )
    return list(chosen.distinct().order_by("code")[:DASHBOARD_INDICATORS])


@login_required
def city_dashboard(request: HttpRequest) -> HttpResponse:
    """Tiles per indicator, a map, policy progress, the evidence log and data needs.

    A constant number of queries whatever the number of indicators and territories.
    """
    if not is_city_staff(request.user):
        raise Http404
    orgs = member_org_ids(request.user)
    pilots = list(
        Pilot.objects.filter(local_government_id__in=orgs)
        .prefetch_related("policies__targets")
        .order_by("name")
    )
    pilot = pilots[0] if pilots else None
    targets = [t for p in pilots for policy in p.policies.all() for t in policy.targets.all()]
    indicators = _pilot_indicators(pilots, {t.indicator_code for t in targets})
    territory = (
        Territory.objects.filter(country_id=pilot.country_id, code=pilot.territory_code).first()
        if pilot is not None
        else None
    )
    tiles = visuals.indicator_tiles(indicators, territory, targets)
    following = dashboards.followed_indicators(request.user)
    for tile in tiles:
        tile["subscription"] = following.get(tile["indicator"].pk)
    by_code = {i.code: i for i in indicators}
    map_indicator = by_code.get(request.GET.get("map", "")) or next(
        (i for i in indicators if i.dimension_ids == []), indicators[0] if indicators else None
    )
    map_context = None
    if map_indicator is not None:
        map_context = indicator_view_context(request, map_indicator)
    return render(
        request,
        "indicators/city_dashboard.html",
        {
            "pilots": pilots,
            "tiles": tiles,
            "map_indicator": map_indicator,
            "map_choices": indicators,
            "map": map_context["map"] if map_context else None,
            "evidence": evidence_visible(user=request.user).filter(pilot__in=pilots)[:20],
            "evidence_form": EvidenceForm(pilot=pilot, indicators=indicators),
            "need_form": DataNeedForm(pilots=_need_pilots(request.user)),
        },
    )


@public_page
def pilot_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """A pilot's policies, each target's progress level with its inputs, and the evidence log.

    Public: the inputs are published figures and the targets the city adopted.
    """
    pilot = get_object_or_404(Pilot.objects.select_related("local_government"), pk=pk)
    rows = pilot_monitoring(pilot=pilot)
    policies: dict[int, dict[str, Any]] = {}
    for policy in pilot.policies.all():
        policies[policy.pk] = {"policy": policy, "targets": [], "evidence": []}
    for row in rows:
        policies[row["policy"]["id"]]["targets"].append(row)
    unlinked: list[Any] = []
    for record in evidence_visible(user=request.user).filter(pilot=pilot):
        entry = policies.get(record.policy_id) if record.policy_id else None
        (entry["evidence"] if entry else unlinked).append(record)
    return render(
        request,
        "indicators/pilot_progress.html",
        {"pilot": pilot, "policies": list(policies.values()), "unlinked_evidence": unlinked},
    )


@login_required
@require_POST
def evidence_create(request: HttpRequest) -> HttpResponse:
    """City staff record that a published figure informed a decision."""
    if not is_city_staff(request.user):
        raise Http404
    pilot = Pilot.objects.filter(local_government_id__in=member_org_ids(request.user)).first()
    if pilot is None:
        raise Http404
    indicators = _pilot_indicators([pilot], set())
    form = EvidenceForm(request.POST, request.FILES, pilot=pilot, indicators=indicators)
    if form.is_valid():
        data = form.cleaned_data
        figure = evidence_figure(
            indicator_code=data["indicator"],
            territory_code=data["territory"],
            period=data["period"].strip().upper(),
            dims_key=data["slice"].strip(),
            country=pilot.country_id,
        )
        if figure is None:
            form.add_error(
                "period", _("No published figure for this indicator, territory and period.")
            )
        else:
            ok, _record = call_service(
                request,
                evidence_record,
                _("Recorded: the figure is now linked to the decision."),
                form=form,
                actor=request.user,
                pilot=pilot,
                released_observation=figure,
                kind=data["kind"],
                title=data["title"],
                decided_on=data["decided_on"],
                decision_body=data["decision_body"],
                policy=pilot.policies.filter(pk=data["policy"]).first() if data["policy"] else None,
                url=data["url"],
                document=data["document"],
                public=data["public"],
            )
            if ok:
                return redirect(reverse("indicators:city-dashboard") + "#evidence-heading")
    return render(request, "indicators/evidence_form.html", {"form": form}, status=400)


def evidence_document(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The document of a record the viewer may see (404 otherwise, as for a missing one)."""
    record = get_object_or_404(evidence_visible(user=request.user).exclude(document=""), pk=pk)
    return stored_file_response(
        record.document,
        filename=record.document_name or "document",
        content_type="application/octet-stream",
    )
