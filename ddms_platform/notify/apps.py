from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "ddms_platform.notify"
    label = "notify"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from ddms_platform.core.permissions import is_nsi_staff
        from ddms_platform.core.scoping import register_visible

        from .models import OutboxEvent

        # The delivery log is NSI staff's only; an event id names nothing for anyone else.
        register_visible(
            OutboxEvent,
            lambda user: (
                OutboxEvent.objects.all() if is_nsi_staff(user) else OutboxEvent.objects.none()
            ),
        )
