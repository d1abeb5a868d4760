from typing import Any

from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = "Indicators"

    def ready(self) -> None:
        # notify never imports this app; the app that owns an event says who hears of it.
        # partnerships never imports this app either: it offers hooks, filled in here.
        from partnerships.dashboards import register_overview_section
        from partnerships.demo import register_demo_accounts, register_demo_loader
        from partnerships.plausibility import register_previous_values
        from partnerships.references import register_code_list_labels, register_code_lists
        from partnerships.schema_sources import register_indicator_schema
        from partnerships.selectors_obligations import register_indicator_measures

        from . import dashboards, demo, demo_network, demo_sharing, request_schemas
        from .code_lists import code_list_keys, code_list_labels
        from .notifications import register_handlers
        from .plausibility import indicator_tolerance, previous_published_values, territory_children
        from .selectors.partner_value import published_measures

        register_handlers()
        register_previous_values(
            previous_published_values, tolerance=indicator_tolerance, hierarchy=territory_children
        )
        register_demo_loader(demo.load)
        register_demo_loader(demo_network.load)  # the second, synthetic country
        register_demo_accounts(demo_network.ACCOUNTS)
        register_demo_accounts(demo_sharing.ACCOUNTS)
        register_overview_section("releases", lambda user: dashboards.release_plan(user)[:20])
        register_code_lists(code_list_keys)
        register_code_list_labels(code_list_labels)
        register_indicator_schema(request_schemas.schema_for_code)
        register_indicator_measures(published_measures)
        register_visibility()
        _watch_public_content()


def register_visibility() -> None:
    """Which rows of each model a user may name in a filter or a body (core.scoping)."""
    from ddms_platform.core.permissions import scope_to_countries
    from ddms_platform.core.scoping import register_visible

    from . import models
    from .selectors import evidence, network, publications

    def staff_only(model: Any) -> Any:
        # Working rows: the NSI staff of the indicator owner's country only (admins: all).
        return lambda user: scope_to_countries(
            model.objects.all(), user, "indicator__owner__country_id"
        )

    register_visible(models.Indicator, publications.indicators_visible)
    register_visible(models.Territory, lambda user: models.Territory.objects.filter(is_active=True))
    register_visible(models.Publication, lambda user: publications.publications_visible(user=user))
    register_visible(
        models.ReleasedObservation,
        lambda user: publications.released_observations_visible(user=user),
    )
    register_visible(models.Observation, staff_only(models.Observation))
    network.register_visibility()
    register_visible(models.EvidenceUse, lambda user: evidence.evidence_visible(user=user))
    register_visible(models.ObservationLoad, staff_only(models.ObservationLoad))


def _watch_public_content() -> None:
    """Any write to what public pages show starts a new cache generation (admin edits too)."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from ddms_platform.core.httpcache import content_changed
    from partnerships.models import Organisation, Policy, PolicyTarget

    from .models import (
        Code,
        CodeList,
        EvidenceUse,
        Indicator,
        IndicatorMetadata,
        Publication,
        Territory,
    )

    def changed(**_kwargs: object) -> None:
        content_changed()

    # weak=False: the receiver is a local function, kept alive by the signal alone.
    # Policies and the evidence log show on the public progress and indicator pages.
    # Code lists and metadata too: pages show their labels and texts.
    for model in (
        Publication,
        Indicator,
        Territory,
        Organisation,
        Policy,
        PolicyTarget,
        EvidenceUse,
        CodeList,
        Code,
        IndicatorMetadata,
    ):
        post_save.connect(
            changed, sender=model, dispatch_uid=f"ddms-public-{model.__name__}", weak=False
        )
        post_delete.connect(
            changed, sender=model, dispatch_uid=f"ddms-public-del-{model.__name__}", weak=False
        )
    for through in (Publication.indicators.through, Indicator.source_organisations.through):
        m2m_changed.connect(
            changed, sender=through, dispatch_uid=f"ddms-public-{through.__name__}", weak=False
        )
