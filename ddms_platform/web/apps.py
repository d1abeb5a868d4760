from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "ddms_platform.web"
    label = "web"
    verbose_name = "Web pages"
