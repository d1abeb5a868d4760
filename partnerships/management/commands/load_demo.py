"""manage.py load_demo — the synthetic Kragujevac pilot and one demo account per role."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from partnerships import demo


class Command(BaseCommand):
    help = "Load the synthetic demo pilot (Kragujevac, Serbia) and demo accounts; idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        ctx = demo.load(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data loaded (synthetic; safe to run again)."))
        self.stdout.write("\n" + demo.logins_table(ctx.logins))
