from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ddms_platform.core"
    label = "core"
    verbose_name = "Platform core"
