"""The code lists the platform starts with (plain data, also read by the seeding migration).

Each list: (SDMX id, (en, sr-Latn, sr-Cyrl) name, [(code, en, sr-Latn, sr-Cyrl), …]).
Codes follow the SDMX cross-domain code lists (CL_FREQ, CL_OBS_STATUS, CL_SEX, CL_AGE);
`_T` is the total.
"""

from __future__ import annotations

Label = tuple[str, str, str]
CodeRow = tuple[str, str, str, str]

STANDARD_CODE_LISTS: list[tuple[str, Label, list[CodeRow]]] = [
    (
        "CL_FREQ",
        ("Frequency", "Učestalost", "Учесталост"),
        [
            ("A", "Annual", "Godišnje", "Годишње"),
            ("Q", "Quarterly", "Kvartalno", "Квартално"),
            ("M", "Monthly", "Mesečno", "Месечно"),
        ],
    ),
    (
        "CL_OBS_STATUS",
        ("Observation status", "Status podatka", "Статус податка"),
        [
            ("A", "Normal value", "Normalna vrednost", "Нормална вредност"),
            ("B", "Time series break", "Prekid vremenske serije", "Прекид временске серије"),
            ("D", "Definition differs", "Definicija se razlikuje", "Дефиниција се разликује"),
            ("E", "Estimated value", "Procenjena vrednost", "Процењена вредност"),
            ("F", "Forecast value", "Prognozirana vrednost", "Прогнозирана вредност"),
            ("I", "Imputed value", "Imputirana vrednost", "Импутирана вредност"),
            ("M", "Missing value; data cannot exist", "Podatak ne postoji", "Податак не постоји"),
            ("N", "Not significant", "Nije značajno", "Није значајно"),
            ("O", "Missing value", "Nedostajuća vrednost", "Недостајућа вредност"),
            ("P", "Provisional value", "Privremena vrednost", "Привремена вредност"),
            (
                "S",
                "Strike and other special events",
                "Štrajk i drugi posebni događaji",
                "Штрајк и други посебни догађаји",
            ),
            ("U", "Low reliability", "Niska pouzdanost", "Ниска поузданост"),
            ("V", "Unvalidated value", "Nevalidirana vrednost", "Невалидирана вредност"),
            ("C", "Confidential (suppressed)", "Poverljivo (sakriveno)", "Поверљиво (сакривено)"),
        ],
    ),
    (
        "CL_SEX",
        ("Sex", "Pol", "Пол"),
        [
            ("_T", "Total", "Ukupno", "Укупно"),
            ("F", "Female", "Žene", "Жене"),
            ("M", "Male", "Muškarci", "Мушкарци"),
        ],
    ),
    (
        "CL_AGE",
        ("Age", "Starost", "Старост"),
        [
            ("_T", "Total", "Ukupno", "Укупно"),
            ("Y_LT15", "Under 15 years", "Mlađi od 15 godina", "Млађи од 15 година"),
            ("Y15T24", "15 to 24 years", "Od 15 do 24 godine", "Од 15 до 24 године"),
            ("Y25T64", "25 to 64 years", "Od 25 do 64 godine", "Од 25 до 64 године"),
            ("Y_GE65", "65 years or over", "65 godina i više", "65 година и више"),
        ],
    ),
    (
        "CL_UNIT_MEASURE",
        ("Unit of measure", "Jedinica mere", "Јединица мере"),
        [
            ("PT", "%", "%", "%"),
            ("KWH_MONTH", "kWh per month", "kWh mesečno", "kWh месечно"),
            (
                "CARS_1000",
                "cars per 1000 inhabitants",
                "automobila na 1000 stanovnika",
                "аутомобила на 1000 становника",
            ),
            ("NUMBER", "number", "broj", "број"),
        ],
    ),
    (
        "CL_TOPIC",
        ("Topic", "Tema", "Тема"),
        [
            ("energy", "Energy", "Energetika", "Енергетика"),
            ("mobility", "Mobility", "Mobilnost", "Мобилност"),
            ("environment", "Environment", "Životna sredina", "Животна средина"),
            ("population", "Population", "Stanovništvo", "Становништво"),
            ("economy", "Economy", "Privreda", "Привреда"),
        ],
    ),
]
