from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = "Partnerships"

    def ready(self) -> None:
        # notify never imports this app; the app that owns an event says who hears of it.
        from ddms_platform.core.banner import register_banner

        from .demo import logins_banner
        from .notifications import register_handlers

        register_handlers()
        # run_platform prints the demo logins last, once web, worker and beat are up.
        register_banner(logins_banner)
