from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "ddms_platform.notify"
    label = "notify"
    verbose_name = "Notifications"
