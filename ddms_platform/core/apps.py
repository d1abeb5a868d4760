from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ddms_platform.core"
    label = "core"
    verbose_name = "Platform core"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the deployment checks
