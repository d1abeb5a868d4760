"""iCalendar (RFC 5545) feed of a communication plan's activities."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .choices import ActivityStatus, Audience
from .models import CommunicationPlan

_STATUS: dict[str, str] = {
    ActivityStatus.PLANNED: "CONFIRMED",
    ActivityStatus.DONE: "CONFIRMED",
    ActivityStatus.CANCELLED: "CANCELLED",
}


def plan_calendar(plan: CommunicationPlan) -> bytes:
    """Serialise the plan's activities (prefetched or not) as one VCALENDAR."""
    cal = Calendar()
    cal.add("prodid", "-//DDMS platform//communication plans//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", plan.title)
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "ddms"
    stamp = timezone.now()
    for activity in plan.activities.all():
        event = Event()
        # Stable across exports so calendar clients update rather than duplicate the event.
        event.add("uid", f"activity-{activity.pk}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", activity.starts_at)
        event.add("dtend", activity.ends_at or activity.starts_at + dt.timedelta(hours=1))
        event.add("summary", activity.title)
        event.add("categories", [activity.get_kind_display()])
        event.add("status", _STATUS.get(activity.status, "CONFIRMED"))
        if activity.location:
            event.add("location", activity.location)
        description = [f"{activity.get_kind_display()} — {plan.title}"]
        if activity.audience:
            # The label in the reader's language, never the stored code (local_government).
            audience = dict(Audience.choices).get(activity.audience, activity.audience)
            description.append(_("Audience: %(audience)s") % {"audience": audience})
        if activity.outcome:
            description.append(activity.outcome)
        event.add("description", "\n".join(description))
        event.add("last-modified", activity.updated_at)
        cal.add_component(event)
    return cal.to_ical()
