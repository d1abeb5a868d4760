"""Country tenancy: every NSI gets an SDMX agency id (existing NSIs get one derived here)."""

import re

import django.core.validators
from django.db import migrations, models


def _agency_for(org, taken):
    base = re.sub(r"[^A-Za-z0-9_-]", "", (org.short_name or "").replace(" ", "_"))
    if not base or not base[0].isalpha():
        base = f"NSI_{org.country_id}"
    candidate, n = base[:50], 2
    while candidate.upper() in taken:
        candidate, n = f"{base[:45]}_{n}", n + 1
    taken.add(candidate.upper())
    return candidate


def assign_agency_ids(apps, schema_editor):
    organisation = apps.get_model("partnerships", "Organisation")
    taken = {
        a.upper()
        for a in organisation.objects.exclude(agency_id=None).values_list("agency_id", flat=True)
    }
    for org in organisation.objects.filter(kind="nsi", agency_id=None).order_by("pk"):
        org.agency_id = _agency_for(org, taken)
        org.save(update_fields=["agency_id"])


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0004_validationrun_job_lease"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="agency_id",
            field=models.CharField(
                blank=True,
                help_text="Set for NSIs; names the agency in SDMX exports, e.g. RZS.",
                max_length=50,
                null=True,
                unique=True,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[A-Za-z][A-Za-z0-9_-]*$",
                        "An SDMX id starts with a letter and has only letters, digits, '_' and '-'.",
                    )
                ],
                verbose_name="SDMX agency id",
            ),
        ),
        migrations.RunPython(assign_agency_ids, migrations.RunPython.noop),
    ]
