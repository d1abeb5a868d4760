"""Demo data of the indicators app: Serbian territories and two indicators (idempotent)."""

from __future__ import annotations

from .choices import TerritoryLevel as L
from .models import Indicator, Territory

# code, level, parent, English, Serbian Latin, Serbian Cyrillic
TERRITORIES = [
    ("RS", L.COUNTRY, None, "Republic of Serbia", "Republika Srbija", "Република Србија"),
    (
        "RS21",
        L.REGION,
        "RS",
        "Šumadija and Western Serbia",
        "Region Šumadije i Zapadne Srbije",
        "Регион Шумадије и Западне Србије",
    ),
    ("RS11", L.REGION, "RS", "Belgrade region", "Beogradski region", "Београдски регион"),
    ("RS21-SU", L.DISTRICT, "RS21", "Šumadija district", "Šumadijski okrug", "Шумадијски округ"),
    ("RS-KG", L.CITY, "RS21-SU", "City of Kragujevac", "Grad Kragujevac", "Град Крагујевац"),
    ("RS-KG-SG", L.MUNICIPALITY, "RS-KG", "Stari Grad", "Stari Grad", "Стари Град"),
    ("RS-KG-ST", L.MUNICIPALITY, "RS-KG", "Stanovo", "Stanovo", "Станово"),
    ("RS-KG-AE", L.MUNICIPALITY, "RS-KG", "Aerodrom", "Aerodrom", "Аеродром"),
    ("RS-KG-PI", L.MUNICIPALITY, "RS-KG", "Pivara", "Pivara", "Пивара"),
    ("RS-KG-SR", L.MUNICIPALITY, "RS-KG", "Stragari", "Stragari", "Страгари"),
    ("RS-AR", L.MUNICIPALITY, "RS21-SU", "Aranđelovac", "Aranđelovac", "Аранђеловац"),
    ("RS-BG", L.CITY, "RS11", "City of Belgrade", "Grad Beograd", "Град Београд"),
]

INDICATORS = [
    {
        "code": "ELEC_HH",
        "name_en": "Household electricity consumption per capita",
        "name_sr_latn": "Potrošnja električne energije domaćinstava po stanovniku",
        "name_sr_cyrl": "Потрошња електричне енергије домаћинстава по становнику",
        "unit": "kWh",
        "topic": "energy",
        "sdg_targets": ["7.1.1"],
        "dimensions": {},
        "decimals": 1,
        "methodology": "Metered consumption of household connections divided by population.",
    },
    {
        "code": "PT_ACCESS",
        "name_en": "Share of population with convenient access to public transport",
        "name_sr_latn": "Udeo stanovništva sa pogodnim pristupom javnom prevozu",
        "name_sr_cyrl": "Удео становништва са погодним приступом јавном превозу",
        "unit": "%",
        "topic": "mobility",
        "sdg_targets": ["11.2.1"],
        "dimensions": {"sex": ["F", "M", "_T"]},
        "decimals": 1,
        "min_cell_count": 10,
        "methodology": "Residents within 500 m of a stop, from the address register.",
    },
]


def load() -> dict[str, int]:
    """Create or refresh the demo territories and indicators; running it twice changes nothing."""
    created = 0
    for code, level, parent, en, latn, cyrl in TERRITORIES:
        _, made = Territory.objects.update_or_create(
            code=code,
            defaults={
                "level": level,
                "parent": Territory.objects.get(code=parent) if parent else None,
                "name_en": en,
                "name_sr_latn": latn,
                "name_sr_cyrl": cyrl,
            },
        )
        created += made
    for fields in INDICATORS:
        values = dict(fields)
        _, made = Indicator.objects.update_or_create(code=values.pop("code"), defaults=values)
        created += made
    return {"created": created}
