"""The DCAT-AP 3 catalogue of the open data, built with rdflib: one dataset per public indicator,
one distribution per download format and per SDMX endpoint, the NSI as publisher."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Max, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

from partnerships.models import Organisation

from ..models import Indicator, Publication, ReleasedObservation
from ..selectors.publications import current_publication_ids
from ..urls_public import indicator_page_url
from .codes import NAME_FIELDS
from .structures import flow_id, sdmx_indicators

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
EU = "http://publications.europa.eu/resource/authority/"
THEMES = {  # platform topic → EU data theme
    "energy": "ENER",
    "mobility": "TRAN",
    "environment": "ENVI",
    "population": "SOCI",
    "economy": "ECON",
}
FREQUENCIES = {"A": "ANNUAL", "Q": "QUARTERLY", "M": "MONTHLY"}
LANG_URIS = {"en": "ENG", "sr-Latn": "SRP", "sr-Cyrl": "SRP"}
# (title, API format, EU file type, media type)
DOWNLOADS = [
    ("CSV", "csv", "CSV", "text/csv"),
    ("JSON", "json", "JSON", "application/json"),
    ("SDMX-CSV 2.0", "sdmx.csv", "CSV", "application/vnd.sdmx.data+csv"),
]
SDMX_FORMATS = [
    (
        "SDMX-ML 2.1 StructureSpecific",
        "structurespecificdata",
        "XML",
        "application/vnd.sdmx.structurespecificdata+xml",
    ),
    ("SDMX-JSON 2.0", "jsondata", "JSON", "application/vnd.sdmx.data+json"),
    ("SDMX-CSV 2.0 (web service)", "csvfile", "CSV", "application/vnd.sdmx.data+csv"),
]
SDMX_STANDARD = "https://github.com/sdmx-twg/sdmx-rest"


# The class DCAT-AP gives the objects of these properties: typed in the graph, so a range
# check (the official shapes' sh:class) finds them.
RANGES = {
    DCTERMS.format: DCTERMS.MediaTypeOrExtent,
    DCAT.mediaType: DCTERMS.MediaType,
    DCTERMS.language: DCTERMS.LinguisticSystem,
    DCTERMS.spatial: DCTERMS.Location,
    DCAT.theme: SKOS.Concept,
    DCAT.themeTaxonomy: SKOS.ConceptScheme,
    DCTERMS.accrualPeriodicity: DCTERMS.Frequency,
    DCTERMS.type: SKOS.Concept,
    DCTERMS.conformsTo: DCTERMS.Standard,
    DCAT.landingPage: FOAF.Document,
    FOAF.homepage: FOAF.Document,
}


def _type_ranges(g: Graph) -> None:
    for predicate, cls in RANGES.items():
        for obj in set(g.objects(None, predicate)):
            if isinstance(obj, URIRef):
                g.add((obj, RDF.type, cls))
    for obj in set(g.objects(None, DCATAP.availability)):
        g.add((obj, RDF.type, SKOS.Concept))


def _site(path: str) -> URIRef:
    return URIRef(settings.SITE_URL + path)


def publisher(indicator: Indicator | None = None) -> Organisation | None:
    """The NSI publishing the indicator: its owner. The catalogue itself (the whole network's)
    names the first NSI of the installation as its publisher."""
    if indicator is not None:
        return indicator.owner
    return Organisation.objects.filter(kind="nsi", is_active=True).order_by("pk").first()


def _named(graph: Graph, subject: Any, predicate: URIRef, obj: Any) -> None:
    for tag, field in NAME_FIELDS.items():
        value = getattr(obj, field, "")
        if value:
            graph.add((subject, predicate, Literal(value, lang=tag)))


def build_catalogue() -> Graph:
    """The whole catalogue as an RDF graph."""
    g = Graph()
    for prefix, ns in (
        ("dcat", DCAT),
        ("dct", DCTERMS),
        ("foaf", FOAF),
        ("vcard", VCARD),
        ("dcatap", DCATAP),
        ("skos", SKOS),
    ):
        g.bind(prefix, ns)
    catalogue = _site("/catalog")
    licence = URIRef(settings.DDMS_DATA_LICENCE_URL)
    g.add((licence, RDF.type, DCTERMS.LicenseDocument))
    g.add((licence, DCTERMS.type, URIRef(EU + "licence/CC_BY_4_0")))
    g.add((catalogue, RDF.type, DCAT.Catalog))
    g.add((catalogue, DCTERMS.title, Literal("DDMS open data", lang="en")))
    g.add((catalogue, DCTERMS.title, Literal("DDMS otvoreni podaci", lang="sr-Latn")))
    g.add((catalogue, DCTERMS.title, Literal("DDMS отворени подаци", lang="sr-Cyrl")))
    g.add(
        (
            catalogue,
            DCTERMS.description,
            Literal(
                "Local development indicators released by the national statistical office.",
                lang="en",
            ),
        )
    )
    g.add((catalogue, FOAF.homepage, _site("/indicators/")))
    g.add((catalogue, DCTERMS.license, licence))
    g.add((catalogue, DCTERMS.modified, Literal(timezone.now().date(), datatype=XSD.date)))
    g.add((catalogue, DCAT.themeTaxonomy, URIRef(EU + "data-theme")))
    for lang in sorted(set(LANG_URIS.values())):
        g.add((catalogue, DCTERMS.language, URIRef(f"{EU}language/{lang}")))
    nsi = publisher()
    agent = _agent(g, nsi)
    g.add((catalogue, DCTERMS.publisher, agent))
    service = _site("/sdmx/")
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCTERMS.title, Literal("SDMX REST web service", lang="en")))
    g.add((service, DCAT.endpointURL, service))
    g.add((service, DCTERMS.conformsTo, URIRef(SDMX_STANDARD)))
    g.add((service, DCTERMS.license, licence))
    g.add((service, DCTERMS.publisher, agent))
    g.add((service, DCAT.endpointDescription, _site("/api/docs/")))
    g.add((catalogue, DCAT.service, service))

    indicators = list(
        sdmx_indicators().select_related("owner").prefetch_related("source_organisations")
    )
    ids = current_publication_ids()
    coverage = {
        row["indicator_id"]: row
        for row in ReleasedObservation.objects.filter(publication_id__in=ids)
        .values("indicator_id")
        .annotate(start=Min("period_start"), end=Max("period_start"), freq=Min("period_type"))
    }
    areas: dict[int, set[str]] = {}
    for indicator_id, code in (
        ReleasedObservation.objects.filter(publication_id__in=ids)
        .values_list("indicator_id", "territory_code")
        .distinct()
    ):
        areas.setdefault(indicator_id, set()).add(code)
    issued = dict(
        Publication.objects.filter(pk__in=ids)
        .values("indicators")
        .annotate(first=Min("release_at"))
        .values_list("indicators", "first")
    )
    modified = dict(
        Publication.objects.filter(pk__in=ids)
        .values("indicators")
        .annotate(last=Max("release_at"))
        .values_list("indicators", "last")
    )
    first_release = min((t for t in issued.values() if t), default=None)
    g.add(
        (
            catalogue,
            DCTERMS.issued,
            Literal(first_release or timezone.now(), datatype=XSD.dateTime),
        )
    )
    for code in sorted({c for codes in areas.values() for c in codes}):
        g.add((catalogue, DCTERMS.spatial, _area(code)))
    for indicator in indicators:
        dataset = _dataset(
            g,
            indicator,
            _agent(g, indicator.owner),
            licence,
            service,
            coverage.get(indicator.pk),
            areas.get(indicator.pk, set()),
        )
        if issued.get(indicator.pk):
            g.add((dataset, DCTERMS.issued, Literal(issued[indicator.pk], datatype=XSD.dateTime)))
            g.add(
                (dataset, DCTERMS.modified, Literal(modified[indicator.pk], datatype=XSD.dateTime))
            )
        g.add((catalogue, DCAT.dataset, dataset))
        g.add((service, DCAT.servesDataset, dataset))
    _type_ranges(g)
    return g


def _area(code: str) -> URIRef:
    """A territory as the code of CL_AREA the SDMX service serves."""
    return _site(f"/sdmx/codelist/DDMS/CL_AREA/1.0.0#{code}")


def _agent(g: Graph, nsi: Organisation | None) -> URIRef:
    agent = _site(f"/organisations/{nsi.pk}" if nsi else "/organisations/nsi")
    g.add((agent, RDF.type, FOAF.Agent))
    g.add((agent, FOAF.name, Literal(nsi.name if nsi else "National statistical office")))
    g.add((agent, DCTERMS.type, URIRef("http://purl.org/adms/publishertype/NationalAuthority")))
    return agent


def _dataset(
    g: Graph,
    indicator: Indicator,
    agent: URIRef,
    licence: URIRef,
    service: URIRef,
    coverage: Any,
    areas: set[str],
) -> URIRef:
    page = _site(indicator_page_url(indicator))
    # Codes are unique per owner NSI: the dataset's identity carries the owner's agency id.
    dataset = _site(f"/catalog/datasets/{indicator.owner.agency_id or 'DDMS'}/{indicator.code}")
    g.add((dataset, RDF.type, DCAT.Dataset))
    _named(g, dataset, DCTERMS.title, indicator)
    g.add(
        (
            dataset,
            DCTERMS.description,
            Literal(indicator.description or indicator.methodology or indicator.name_en, lang="en"),
        )
    )
    g.add((dataset, DCTERMS.identifier, Literal(indicator.code)))
    g.add((dataset, DCAT.landingPage, page))
    g.add((dataset, DCTERMS.publisher, agent))
    g.add((dataset, DCAT.keyword, Literal(indicator.topic, lang="en")))
    for sdg in indicator.sdg_targets or []:
        g.add((dataset, DCAT.keyword, Literal(f"SDG {sdg}", lang="en")))
    g.add((dataset, DCAT.theme, URIRef(EU + "data-theme/" + THEMES.get(indicator.topic, "GOVE"))))
    contact = BNode()
    g.add((contact, RDF.type, VCARD.Kind))
    g.add((contact, RDF.type, VCARD.Organization))
    g.add((contact, VCARD.fn, Literal(str(g.value(agent, FOAF.name)))))
    nsi = publisher(indicator)
    if nsi and nsi.email:
        g.add((contact, VCARD.hasEmail, URIRef(f"mailto:{nsi.email}")))
    g.add((dataset, DCAT.contactPoint, contact))
    for code in sorted(areas):
        g.add((dataset, DCTERMS.spatial, _area(code)))
    if coverage:
        period = BNode()
        g.add((period, RDF.type, DCTERMS.PeriodOfTime))
        g.add((period, DCAT.startDate, Literal(coverage["start"], datatype=XSD.date)))
        g.add((period, DCAT.endDate, Literal(coverage["end"], datatype=XSD.date)))
        g.add((dataset, DCTERMS.temporal, period))
        freq = FREQUENCIES.get(coverage["freq"], "IRREG")
        g.add((dataset, DCTERMS.accrualPeriodicity, URIRef(EU + "frequency/" + freq)))
    query = urlencode({"indicator": indicator.code})
    for title, fmt, file_type, media in DOWNLOADS:
        url = _site(f"{reverse('open-data-observations', kwargs={'fmt': fmt})}?{query}")
        _distribution(
            g,
            dataset,
            f"{indicator.code}-{fmt}",
            title,
            url,
            file_type,
            media,
            licence,
            download=True,
        )
    flow = f"/sdmx/data/dataflow/DDMS/{flow_id(indicator)}/1.0.0/*"
    for title, fmt, file_type, media in SDMX_FORMATS:
        url = _site(f"{flow}?format={fmt}")
        dist = _distribution(
            g,
            dataset,
            f"{indicator.code}-sdmx-{fmt}",
            title,
            url,
            file_type,
            media,
            licence,
            download=False,
        )
        g.add((dist, DCAT.accessService, service))
        g.add((dist, DCTERMS.conformsTo, URIRef(SDMX_STANDARD)))
    package = _site(indicator_page_url(indicator, "datapackage"))
    _distribution(
        g,
        dataset,
        f"{indicator.code}-datapackage",
        "Frictionless Data Package",
        package,
        "ZIP",
        "application/zip",
        licence,
        download=True,
    )
    return dataset


def _distribution(
    g: Graph,
    dataset: URIRef,
    key: str,
    title: str,
    url: URIRef,
    file_type: str,
    media: str,
    licence: URIRef,
    *,
    download: bool,
) -> URIRef:
    dist = _site(f"/catalog/distributions/{key}")
    g.add((dist, RDF.type, DCAT.Distribution))
    g.add((dist, DCTERMS.title, Literal(title, lang="en")))
    g.add((dist, DCTERMS.description, Literal(f"{title} of the released values.", lang="en")))
    g.add((dist, DCAT.accessURL, url))
    if download:
        g.add((dist, DCAT.downloadURL, url))
    g.add((dist, DCTERMS.format, URIRef(EU + "file-type/" + file_type)))
    g.add((dist, DCAT.mediaType, URIRef("https://www.iana.org/assignments/media-types/" + media)))
    g.add((dist, DCTERMS.license, licence))
    g.add((dist, DCATAP.availability, URIRef(EU + "planned-availability/STABLE")))
    g.add((dataset, DCAT.distribution, dist))
    return dist
