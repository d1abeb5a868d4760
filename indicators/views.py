"""Public indicator pages, the release calendar, the city dashboard and NSI publication forms."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
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
    member_org_ids,
)
from ddms_platform.web.helpers import call_service
from partnerships.models import Organisation, Pilot
from partnerships.services import requests as request_services
from partnerships.views.nsi import nsi_only

from . import dashboards
from .forms import DataNeedForm, PublicationForm, ScheduleForm, SubscribeForm
from .models import Indicator, Publication
from .sdmx.codes import sdmx_lang
from .sdmx.metadata import metadata_sections
from .selectors.publications import (
    current_publication_ids,
    public_version,
    publications_visible,
)
from .services.subscriptions import subscription_create


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


def _public_indicator(code: str) -> Indicator:
    return get_object_or_404(dashboards.public_indicators(), code=code)


@public_page
def indicator_detail(request: HttpRequest, code: str) -> HttpResponse:
    """Chart, data table, metadata, SDG target, lineage, downloads and a subscribe form."""
    indicator = _public_indicator(code)
    chosen = {dim: request.GET.get(dim, "") for dim in indicator.dimension_ids}
    rows = dashboards.released_series(indicator, dims=chosen)
    lineage = {
        (r.submission.sha256, r.submission.request_id) for r in rows if r.submission is not None
    }
    return render(
        request,
        "indicators/indicator_detail.html",
        {
            "indicator": indicator,
            "rows": rows,
            "chart": dashboards.chart_data(indicator, rows),
            "dimensions": [
                (d, codes, chosen.get(d, "")) for d, codes in indicator.dimensions.items()
            ],
            "publications": Publication.objects.filter(
                pk__in=current_publication_ids(indicator_id=indicator.pk)
            ),
            "lineage": sorted(lineage),
            "sources": indicator.source_organisations.all(),
            "downloads": dashboards.download_links(indicator),
            "reference_metadata": metadata_sections(indicator, sdmx_lang()),
            "subscribe_form": SubscribeForm(),
        },
    )


@require_POST
def indicator_subscribe(request: HttpRequest, code: str) -> HttpResponse:
    """Follow an indicator: accounts at once, e-mail addresses after confirmation."""
    indicator = _public_indicator(code)
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
    return redirect(reverse("indicators:indicator-detail", args=[code]))


@public_page
def release_calendar(request: HttpRequest) -> HttpResponse:
    """Scheduled and recent releases; titles and times only, never embargoed values."""
    return render(
        request,
        "indicators/release_calendar.html",
        {"releases": dashboards.release_calendar()},
    )


@public_page
def release_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One released version: what it contains and when it came out (NSI staff: any state)."""
    publication = get_object_or_404(
        publications_visible(user=request.user).prefetch_related("indicators"), pk=pk
    )
    public = set(dashboards.public_indicators().values_list("pk", flat=True))
    return render(
        request,
        "indicators/release_detail.html",
        {
            "publication": publication,
            "indicators": [(i, i.pk in public) for i in publication.indicators.all()],
        },
    )


@login_required
def city_dashboard(request: HttpRequest) -> HttpResponse:
    """The city's pilots: indicators with charts, policy targets, subscriptions, data needs."""
    if not is_city_staff(request.user):
        raise Http404
    orgs = member_org_ids(request.user)
    pilots = list(Pilot.objects.filter(local_government_id__in=orgs).order_by("name"))
    pilot_ids = [p.pk for p in pilots]
    targets = dashboards.pilot_targets(pilots)
    codes = {t["indicator"] for t in targets}
    indicators = dashboards.public_indicators().filter(
        pk__in=Publication.objects.filter(pilot_id__in=pilot_ids).values("indicators")
    ) | dashboards.public_indicators().filter(code__in=codes)
    following = dashboards.followed_indicators(request.user)
    charts = []
    for indicator in indicators.distinct().order_by("code")[:12]:
        rows = dashboards.released_series(indicator)
        charts.append(
            {
                "indicator": indicator,
                "chart": dashboards.chart_data(indicator, rows),
                "subscription": following.get(indicator.pk),
            }
        )
    return render(
        request,
        "indicators/city_dashboard.html",
        {
            "pilots": pilots,
            "targets": targets,
            "charts": charts,
            "need_form": DataNeedForm(),
        },
    )


@login_required
@require_POST
def data_need_create(request: HttpRequest) -> HttpResponse:
    """A city tells the NSI what data it needs (a data request in the other direction)."""
    if not is_city_staff(request.user):
        raise Http404
    form = DataNeedForm(request.POST)
    if not form.is_valid():
        return render(request, "indicators/data_need.html", {"form": form}, status=400)

    city = Organisation.objects.filter(
        pk__in=member_org_ids(request.user, ACTING_ROLES), kind__in=LOCAL_GOVERNMENT_KINDS
    ).first()
    pilot = Pilot.objects.filter(local_government=city).select_related("nsi").first()
    nsi = pilot.nsi if pilot else Organisation.objects.filter(kind="nsi").first()
    if city is None or nsi is None:
        raise Http404
    ok, need = call_service(
        request,
        request_services.request_create,
        _("Data need recorded."),
        form=form,
        actor=request.user,
        direction="data_need",
        requester=city,
        provider=nsi,
        pilot=pilot,
        title=form.cleaned_data["title"],
        purpose=form.cleaned_data["purpose"],
        due_on=form.cleaned_data["due_on"],
        table_schema=form.table_schema(),
    )
    if ok and need is not None:
        # A need is only news to the NSI once sent; the service checks the transition.
        call_service(
            request,
            request_services.request_send,
            _("Your data need was sent to the NSI."),
            actor=request.user,
            request=need,
        )
    if ok and need is not None:
        return redirect(reverse("partnerships:request-detail", args=[need.pk]))
    if form.errors:
        return render(request, "indicators/data_need.html", {"form": form}, status=400)
    return redirect(reverse("indicators:city-dashboard"))


@nsi_only
def publication_create(request: HttpRequest) -> HttpResponse:
    """Create a draft publication, optionally scheduling it at once."""
    form = PublicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        schedule_now = data.pop("schedule_now")
        release_at = data.pop("release_at")
        ok, publication = call_service(
            request,
            _services().publication_create,
            _("Publication created."),
            actor=request.user,
            **data,
        )
        if ok and publication is not None:
            if schedule_now:
                call_service(
                    request,
                    _services().publication_schedule,
                    _("Release scheduled."),
                    actor=request.user,
                    publication=publication,
                    release_at=release_at,
                )
            return redirect(reverse("indicators:publication-detail", args=[publication.pk]))
    status = 400 if request.method == "POST" else 200
    return render(request, "indicators/publication_form.html", {"form": form}, status=status)


@nsi_only
def publication_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A publication for NSI staff, with the form to schedule it."""
    publication = get_object_or_404(publications_visible(user=request.user), pk=pk)
    form = ScheduleForm(initial={"release_at": publication.release_at})
    return render(
        request,
        "indicators/publication_detail.html",
        {"publication": publication, "schedule_form": form},
    )


@nsi_only
@require_POST
def publication_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    publication = get_object_or_404(publications_visible(user=request.user), pk=pk)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        call_service(
            request,
            _services().publication_schedule,
            _("Release scheduled."),
            actor=request.user,
            publication=publication,
            release_at=form.cleaned_data["release_at"],
        )
    return redirect(reverse("indicators:publication-detail", args=[pk]))
