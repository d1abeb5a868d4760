from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "ddms_platform.notify"
    label = "notify"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from ddms_platform.core.scoping import register_visible

        from .models import OutboxEvent

        # The delivery log is NSI staff's only, each NSI its own country's: an event id names
        # an event one of whose notifications the user may read, nothing else.
        def events(user: object) -> object:
            from .api import notifications_visible

            if not getattr(user, "is_authenticated", False):
                return OutboxEvent.objects.none()
            return OutboxEvent.objects.filter(pk__in=notifications_visible(user).values("event_id"))

        register_visible(OutboxEvent, events)  # type: ignore[arg-type]
