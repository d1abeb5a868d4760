from typing import Any

from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = "Indicators"

    def ready(self) -> None:
        # notify never imports this app; the app that owns an event says who hears of it.
        # partnerships never imports this app either: it offers hooks, filled in here.
        from partnerships.dashboards import register_overview_section
        from partnerships.demo import register_demo_loader
        from partnerships.plausibility import register_previous_values
        from partnerships.references import register_code_lists

        from . import dashboards, demo
        from .code_lists import code_list_keys
        from .notifications import register_handlers
        from .plausibility import previous_published_values

        register_handlers()
        register_previous_values(previous_published_values)
        register_demo_loader(demo.load)
        register_overview_section("releases", lambda user: dashboards.release_plan(user)[:20])
        register_code_lists(code_list_keys)
        register_visibility()
        _watch_public_content()


def register_visibility() -> None:
    """Which rows of each model a user may name in a filter or a body (core.scoping)."""
    from ddms_platform.core.permissions import is_nsi_staff
    from ddms_platform.core.scoping import register_visible

    from . import models
    from .selectors import publications

    def staff_only(model: Any) -> Any:
        return lambda user: model.objects.all() if is_nsi_staff(user) else model.objects.none()

    register_visible(models.Indicator, publications.indicators_visible)
    register_visible(models.Territory, lambda user: models.Territory.objects.filter(is_active=True))
    register_visible(models.Publication, lambda user: publications.publications_visible(user=user))
    register_visible(
        models.ReleasedObservation,
        lambda user: publications.released_observations_visible(user=user),
    )
    register_visible(models.Observation, staff_only(models.Observation))
    register_visible(models.ObservationLoad, staff_only(models.ObservationLoad))


def _watch_public_content() -> None:
    """Any write to what public pages show starts a new cache generation (admin edits too)."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from ddms_platform.core.httpcache import content_changed
    from partnerships.models import Organisation

    from .models import Code, CodeList, Indicator, IndicatorMetadata, Publication, Territory

    def changed(**_kwargs: object) -> None:
        content_changed()

    # weak=False: the receiver is a local function, kept alive by the signal alone.
    # Code lists and metadata too: pages show their labels and texts.
    for model in (
        Publication,
        Indicator,
        Territory,
        Organisation,
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
