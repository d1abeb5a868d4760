from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = "Indicators"

    def ready(self) -> None:
        # notify never imports this app; the app that owns an event says who hears of it.
        from partnerships.plausibility import register_previous_values

        from .notifications import register_handlers
        from .plausibility import previous_published_values

        register_handlers()
        register_previous_values(previous_published_values)
