"""The Celery application shared by every worker and by beat."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ddms_platform.settings")

app = Celery("ddms_platform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Apps may keep periodic jobs in a separate module (partnerships' daily reminders).
app.autodiscover_tasks(related_name="reminder_tasks")
