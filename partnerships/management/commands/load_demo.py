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
        width = max(len(u) for u, _r, _p in ctx.logins)
        role_width = max(len(r) for _u, r, _p in ctx.logins)
        self.stdout.write("\nDemo logins (demo only — never use these accounts in production):")
        self.stdout.write(f"  {'username'.ljust(width)}  {'role'.ljust(role_width)}  password")
        for username, role, password in ctx.logins:
            self.stdout.write(f"  {username.ljust(width)}  {role.ljust(role_width)}  {password}")
        self.stdout.write(
            "Set DDMS_DEMO_PASSWORD before the first run to choose the password of every account "
            "(existing accounts keep theirs)."
        )
