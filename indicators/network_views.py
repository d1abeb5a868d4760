"""Network pages: the coordinator's view of every country, sharing, adoption, the
cross-city comparison and the replication kit (docs/network.md)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ddms_platform.core.permissions import (
    is_acting_network_coordinator,
    is_acting_nsi_staff,
    is_admin,
    is_network_reader,
    is_nsi_staff,
)
from ddms_platform.web.helpers import call_service, only_for
from partnerships.selectors import pilot_list
from partnerships.selectors_network import (
    fulfilment_by_country,
    own_article_list,
    shareable_article_list,
    shareable_case_study_list,
    shared_article_list,
    shared_case_study_list,
)
from partnerships.services import network as sharing

from .kit import kit_zip, pilot_agency
from .models import ComparabilityGroup
from .network_forms import AdoptForm, KitImportForm, NetworkArticleForm
from .selectors import network as selectors
from .selectors.publications import publications_released
from .services import kit as kit_services
from .services import network as services

# Network pages answer 404 to anyone who is neither NSI staff nor coordinator.
network_only = only_for(is_network_reader)


def _acting_staff(request: HttpRequest) -> None:
    if not is_acting_nsi_staff(request.user):
        raise Http404


@network_only
def network_home(request: HttpRequest) -> HttpResponse:
    """What every country published or shared, and fulfilment per country (counts only)."""
    user = request.user
    releases = publications_released().select_related("pilot__country").order_by("-release_at")
    context = {
        "releases": releases[:30],
        "case_studies": shared_case_study_list(user)[:50],
        "articles": shared_article_list(user)[:50],
        "indicators": selectors.shared_indicator_list(user)[:100],
        "fulfilment": fulfilment_by_country(user),
        "can_adopt": is_acting_nsi_staff(user),
        "can_curate": is_admin(user) or is_acting_network_coordinator(user),
        "own_ids": set(selectors.own_indicator_list(user).values_list("pk", flat=True))
        if is_nsi_staff(user)
        else set(),
    }
    return render(request, "indicators/network/home.html", context)


@network_only
def share_page(request: HttpRequest) -> HttpResponse:
    """Your country's definitions, each with its switch to share it with the network."""
    if not is_nsi_staff(request.user):
        raise Http404
    user = request.user
    context = {
        "indicators": selectors.own_indicator_list(user).order_by("code")[:300],
        "case_studies": shareable_case_study_list(user)[:300],
        "articles": shareable_article_list(user)[:300],
        "can_share": is_acting_nsi_staff(user),
    }
    return render(request, "indicators/network/share.html", context)


@network_only
@require_POST
def share_toggle(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Share or take back one definition (the service checks who may)."""
    user = request.user
    shared = request.POST.get("shared") == "1"
    message = _("Shared with the network.") if shared else _("No longer shared.")
    if kind == "indicator":
        obj = get_object_or_404(selectors.own_indicator_list(user), pk=pk)
        call_service(
            request, services.indicator_share, message, indicator=obj, actor=user, shared=shared
        )
    elif kind == "case_study":
        case = get_object_or_404(shareable_case_study_list(user), pk=pk)
        call_service(
            request, sharing.case_study_share, message, case_study=case, actor=user, shared=shared
        )
    elif kind == "article":
        curator = is_admin(user) or is_acting_network_coordinator(user)
        qs = shared_article_list(user) if curator and not shared else own_article_list(user)
        article = get_object_or_404(qs, pk=pk)
        call_service(
            request, sharing.article_share, message, article=article, actor=user, shared=shared
        )
        if curator:
            return redirect(reverse("network:home"))
    else:
        raise Http404
    return redirect(reverse("network:share"))


@network_only
def adopt(request: HttpRequest, pk: int) -> HttpResponse:
    """Adopt a shared indicator definition into your own country."""
    _acting_staff(request)
    source = get_object_or_404(selectors.shared_indicator_list(request.user), pk=pk)
    form = AdoptForm(request.POST or None, initial={"code": source.code})
    if request.method == "POST" and form.is_valid():
        ok, adoption = call_service(
            request,
            services.indicator_adopt,
            _("Adopted: the two indicators are now comparable."),
            form=form,
            source=source,
            actor=request.user,
            code=form.cleaned_data["code"],
        )
        if ok and adoption is not None:
            return redirect(reverse("network:compare-detail", args=[adoption.group.code]))
    status = 400 if request.method == "POST" else 200
    return render(
        request, "indicators/network/adopt.html", {"form": form, "source": source}, status=status
    )


@network_only
def article_create(request: HttpRequest) -> HttpResponse:
    """The coordinator writes an entry of the shared knowledge base."""
    if not (is_admin(request.user) or is_acting_network_coordinator(request.user)):
        raise Http404
    form = NetworkArticleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, _article = call_service(
            request,
            sharing.network_article_create,
            _("Entry added to the shared knowledge base."),
            form=form,
            actor=request.user,
            **form.cleaned_data,
        )
        if ok:
            return redirect(reverse("network:home"))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "partnerships/form.html",
        {"form": form, "heading": _("New entry of the shared knowledge base")},
        status=status,
    )


def compare_list(request: HttpRequest) -> HttpResponse:
    """Comparable indicators across cities (public)."""
    groups = selectors.comparability_group_list()
    return render(request, "indicators/network/compare_list.html", {"groups": groups})


def compare_detail(request: HttpRequest, code: str) -> HttpResponse:
    """Latest public values of every participating city, side by side (public)."""
    group = get_object_or_404(ComparabilityGroup, code=code)
    result = selectors.comparison(group=group)
    if not result.rows:
        raise Http404
    return render(request, "indicators/network/compare_detail.html", {"result": result})


@network_only
def kit_download(request: HttpRequest, pk: int) -> HttpResponse:
    """A pilot's replication kit as a zip (staff of the pilot's country)."""
    if not is_nsi_staff(request.user):
        raise Http404
    pilot = get_object_or_404(pilot_list(request.user), pk=pk)
    response = HttpResponse(
        kit_zip(pilot, agency=pilot_agency(pilot)), content_type="application/zip"
    )
    response["Content-Disposition"] = f'attachment; filename="kit-pilot-{pilot.pk}.zip"'
    return response


@network_only
def kit_import(request: HttpRequest) -> HttpResponse:
    """Upload a kit for one of your pilots: the next page previews it; nothing is created yet."""
    _acting_staff(request)
    pilots = pilot_list(request.user)
    form = KitImportForm(request.POST or None, request.FILES or None, pilots=pilots)
    if request.method == "POST" and form.is_valid():
        ok, kit_import_row = call_service(
            request,
            kit_services.kit_preview,
            _("The kit was read; check the preview before importing it."),
            form=form,
            actor=request.user,
            pilot=form.cleaned_data["pilot"],
            data=form.cleaned_data["file"].read(),
        )
        if ok and kit_import_row is not None:
            return redirect(reverse("network:kit-import-detail", args=[kit_import_row.pk]))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "indicators/network/kit_import.html",
        {"form": form, "pilots": pilots},
        status=status,
    )


@network_only
def kit_import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The preview of a kit import: what will be created and what clashes."""
    row = get_object_or_404(selectors.kit_import_list(request.user), pk=pk)
    return render(request, "indicators/network/kit_preview.html", {"kit_import": row})


@network_only
@require_POST
def kit_import_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """Import the previewed kit: everything, or on a clash nothing."""
    _acting_staff(request)
    row = get_object_or_404(selectors.kit_import_list(request.user), pk=pk)
    call_service(
        request,
        kit_services.kit_apply,
        _("The kit was imported."),
        kit_import=row,
        actor=request.user,
    )
    return redirect(reverse("network:kit-import-detail", args=[pk]))
