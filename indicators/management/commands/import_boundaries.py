"""manage.py import_boundaries FILE: territory boundaries from GeoJSON, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ddms_platform.core.errors import DomainError
from indicators.services.boundaries import DEFAULT_TOLERANCE, boundaries_import


class Command(BaseCommand):
    help = (
        "Import territory boundaries from a GeoJSON FeatureCollection whose features carry "
        "properties.code. Each geometry is validated with shapely and simplified for the web; "
        "any bad feature rejects the whole file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--source", required=True, help="Where the boundaries come from")
        parser.add_argument(
            "--tolerance",
            type=float,
            default=DEFAULT_TOLERANCE,
            help=f"Simplification tolerance in degrees (default {DEFAULT_TOLERANCE})",
        )
        parser.add_argument(
            "--country",
            help="ISO code of the territories' country (default: the user's only country)",
        )
        parser.add_argument("--as", dest="username", help="User recorded in the audit trail")

    def handle(
        self,
        *args: Any,
        file: Path,
        source: str,
        tolerance: float,
        username: str | None,
        country: str | None = None,
        **o: Any,
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
            result = boundaries_import(
                actor=actor,
                data=file.read_bytes(),
                source=source,
                tolerance=tolerance,
                country=country.upper() if country else None,
            )
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        except DomainError as exc:
            lines = [exc.message] + [
                f"  feature {e['featureNumber']} ({e['code'] or 'no code'}): {e['note']}"
                for e in exc.extra.get("errors", [])
            ]
            raise CommandError("\n".join(lines)) from exc
        self.stdout.write(f"{result['imported']} boundaries imported")
