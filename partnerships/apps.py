from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = "Partnerships"

    def ready(self) -> None:
        # notify never imports this app; the app that owns an event says who hears of it.
        from .notifications import register_handlers

        register_handlers()
