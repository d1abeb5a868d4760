"""manage.py import_territories FILE: create or update territories from CSV, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ddms_platform.core.errors import DomainError
from indicators.services import territories_import


class Command(BaseCommand):
    help = (
        "Import territories from a UTF-8 CSV with columns code, level, parent_code, name_en, "
        "name_sr_latn, name_sr_cyrl. Any bad row rejects the whole file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--as",
            dest="username",
            help="User recorded in the audit trail (a superuser by default)",
        )
        parser.add_argument(
            "--country",
            help="ISO code of the territories' country (default: the user's only country)",
        )

    def handle(
        self,
        *args: Any,
        file: Path,
        username: str | None,
        country: str | None = None,
        **options: Any,
    ) -> None:
        users = get_user_model().objects
        actor = (
            users.filter(username=username).first()
            if username
            else users.filter(is_superuser=True).order_by("pk").first()
        )
        if actor is None:
            raise CommandError("No user to record the import as: create a superuser or pass --as.")
        try:
            result = territories_import(
                actor=actor, data=file.read_bytes(), country=country.upper() if country else None
            )
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        except DomainError as exc:
            lines = [exc.message]
            for error in exc.extra.get("errors", []):
                lines.append(
                    f"  row {error['rowNumber']}, {error['fieldName']}={error['value']!r}: "
                    f"{error['note']}"
                )
            raise CommandError("\n".join(lines)) from exc
        self.stdout.write(
            f"{result['created']} created, {result['updated']} updated, "
            f"{result['unchanged']} unchanged"
        )
