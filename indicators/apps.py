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
