from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = "Indicators"

    def ready(self) -> None:
        # notify never imports this app; the app that owns an event says who hears of it.
        from partnerships.plausibility import register_previous_values
        from partnerships.references import register_code_lists

        from .code_lists import code_list_keys
        from .notifications import register_handlers
        from .plausibility import previous_published_values

        register_handlers()
        register_previous_values(previous_published_values)
        register_code_lists(code_list_keys)
