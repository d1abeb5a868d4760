"""Notify services: the outbox, fan-out, delivery and the delivery log's actions."""

from .delivery import notification_retry, notifications_deliver, notifications_sweep
from .digests import digests_send
from .fanout import event_fan_out
from .outbox import (
    outbox_dispatch,
    outbox_record,
    outbox_record_once,
    outbox_relay,
)
from .webhooks import webhook_endpoint_create, webhook_endpoint_disable

__all__ = [
    "digests_send",
    "event_fan_out",
    "notification_retry",
    "notifications_deliver",
    "notifications_sweep",
    "outbox_dispatch",
    "outbox_record",
    "outbox_record_once",
    "outbox_relay",
    "webhook_endpoint_create",
    "webhook_endpoint_disable",
]
