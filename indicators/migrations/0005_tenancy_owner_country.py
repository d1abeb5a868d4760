"""Country tenancy: indicators get their owning NSI, territories their country.

Existing single-country data migrates without loss: an indicator belongs to the NSI of the
pilot it was released for (else the NSI of its source organisations' country, else the
installation's first NSI); a territory belongs to the country its root territory is coded as
(ISO code), else to the country of a pilot in its tree, else to the first NSI's country. An
installation with indicators but no NSI gets a placeholder NSI "Unassigned" (country ZZ,
user-assigned in ISO 3166) so nothing is lost; an operator re-assigns it in the admin.
"""

from django.db import migrations, models
import django.db.models.deletion


def _placeholder_country(apps):
    country = apps.get_model("partnerships", "Country")
    first = country.objects.order_by("code").first()
    return first or country.objects.create(code="ZZ", name="Unassigned")


def _placeholder_nsi(apps):
    organisation = apps.get_model("partnerships", "Organisation")
    nsi = organisation.objects.filter(kind="nsi").order_by("pk").first()
    if nsi is None:
        nsi = organisation.objects.create(
            name="Unassigned NSI",
            short_name="Unassigned",
            kind="nsi",
            country=_placeholder_country(apps),
            agency_id="UNASSIGNED",
        )
    return nsi


def _root_nsi(org):
    while org is not None and org.kind != "nsi" and org.parent_id is not None:
        org = org.parent
    return org if org is not None and org.kind == "nsi" else None


def assign_owners_and_countries(apps, schema_editor):
    indicator = apps.get_model("indicators", "Indicator")
    territory = apps.get_model("indicators", "Territory")
    organisation = apps.get_model("partnerships", "Organisation")
    country = apps.get_model("partnerships", "Country")
    pilot = apps.get_model("partnerships", "Pilot")

    nsi_by_country = {}
    for org in organisation.objects.filter(kind="nsi").order_by("pk"):
        nsi_by_country.setdefault(org.country_id, org)

    for ind in indicator.objects.filter(owner=None).order_by("pk"):
        owner = None
        for pub in ind.publications.exclude(pilot=None).select_related("pilot__nsi"):
            owner = _root_nsi(pub.pilot.nsi) or nsi_by_country.get(pub.pilot.country_id)
            if owner is not None:
                break
        if owner is None:
            for source in ind.source_organisations.order_by("pk"):
                owner = nsi_by_country.get(source.country_id)
                if owner is not None:
                    break
        ind.owner = owner or _placeholder_nsi(apps)
        ind.save(update_fields=["owner"])

    country_codes = set(country.objects.values_list("code", flat=True))
    pilot_country = dict(pilot.objects.values_list("territory_code", "country_id"))
    fallback = None
    by_pk = {t.pk: t for t in territory.objects.all()}
    for terr in sorted(by_pk.values(), key=lambda t: t.pk):
        if terr.country_id is not None:
            continue
        chain, node = [], terr
        while node is not None:
            chain.append(node)
            node = by_pk.get(node.parent_id)
        root = chain[-1]
        found = root.code.upper() if root.code.upper() in country_codes else None
        if found is None:
            tree_codes = {t.code for t in by_pk.values() if _in_tree(t, root, by_pk)}
            found = next((pilot_country[c] for c in sorted(tree_codes) if c in pilot_country), None)
        if found is None:
            if fallback is None:
                first_nsi = next(iter(nsi_by_country.values()), None)
                fallback = first_nsi.country_id if first_nsi else _placeholder_country(apps).pk
            found = fallback
        terr.country_id = found
        terr.save(update_fields=["country"])

    if schema_editor.connection.vendor == "postgresql":
        # Fire the deferred foreign-key checks now, so the ALTER TABLEs below may run.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _in_tree(node, root, by_pk):
    while node is not None:
        if node.pk == root.pk:
            return True
        node = by_pk.get(node.parent_id)
    return False


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0004_observationload_job_lease"),
        ("partnerships", "0005_tenancy_agency_id"),
    ]

    operations = [
        migrations.AddField(
            model_name="indicator",
            name="owner",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="owned_indicators",
                to="partnerships.organisation",
            ),
        ),
        migrations.AddField(
            model_name="territory",
            name="country",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="territories",
                to="partnerships.country",
            ),
        ),
        migrations.RunPython(assign_owners_and_countries, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="indicator",
            name="owner",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="owned_indicators",
                to="partnerships.organisation",
            ),
        ),
        migrations.AlterField(
            model_name="territory",
            name="country",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="territories",
                to="partnerships.country",
            ),
        ),
        migrations.AlterField(
            model_name="indicator",
            name="code",
            field=models.CharField(max_length=50),
        ),
        migrations.AlterField(
            model_name="territory",
            name="code",
            field=models.CharField(max_length=30),
        ),
        migrations.AlterModelOptions(
            name="indicator",
            options={"ordering": ["code", "owner_id"]},
        ),
        migrations.AlterModelOptions(
            name="territory",
            options={"ordering": ["code", "country_id"], "verbose_name_plural": "territories"},
        ),
        migrations.AddConstraint(
            model_name="indicator",
            constraint=models.UniqueConstraint(
                fields=("owner", "code"), name="indicator_code_per_owner"
            ),
        ),
        migrations.AddConstraint(
            model_name="territory",
            constraint=models.UniqueConstraint(
                fields=("country", "code"), name="territory_code_per_country"
            ),
        ),
    ]
