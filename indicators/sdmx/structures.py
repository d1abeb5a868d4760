"""SDMX structural metadata of the platform: agencies, code lists, concepts, DSDs, dataflows.

One plain description (`Artefacts`) is built from the database and written two ways: SDMX-ML
2.1 through sdmx1's writer (it keeps every language of a name), and SDMX-JSON 2.0 with orjson
(neither library writes multilingual SDMX-JSON; pysdmx's model holds one language per name).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson
from django.db.models import QuerySet
from django.utils import timezone

from ..dashboards import public_indicators
from ..exports import SDMX_VERSION, sdmx_agency_id
from ..models import CodeList, Indicator, Territory
from .codes import list_id_for, names

AGENCY_SCHEME_VERSION = "1.0"  # fixed by the SDMX information model for agency schemes
CONCEPT_SCHEME = "CS_DDMS"
AREA_LIST = "CL_AREA"
OBS_STATUS_LIST = "CL_OBS_STATUS"
FREQ_LIST = "CL_FREQ"
UNIT_LIST = "CL_UNIT_MEASURE"

# Names of the concepts that are not named by a code list of their own.
CONCEPT_NAMES: dict[str, dict[str, str]] = {
    "FREQ": {"en": "Frequency", "sr-Latn": "Učestalost", "sr-Cyrl": "Учесталост"},
    "REF_AREA": {"en": "Reference area", "sr-Latn": "Teritorija", "sr-Cyrl": "Територија"},
    "TIME_PERIOD": {"en": "Time period", "sr-Latn": "Period", "sr-Cyrl": "Период"},
    "OBS_VALUE": {"en": "Observation value", "sr-Latn": "Vrednost", "sr-Cyrl": "Вредност"},
    "OBS_STATUS": {
        "en": "Observation status",
        "sr-Latn": "Status podatka",
        "sr-Cyrl": "Статус податка",
    },
    "UNIT_MEASURE": {
        "en": "Unit of measure",
        "sr-Latn": "Jedinica mere",
        "sr-Cyrl": "Јединица мере",
    },
}
URN = "urn:sdmx:org.sdmx.infomodel."
URN_CLASS = {
    "codelist": "codelist.Codelist",
    "conceptscheme": "conceptscheme.ConceptScheme",
    "agencyscheme": "base.AgencyScheme",
    "datastructure": "datastructure.DataStructure",
    "dataflow": "datastructure.Dataflow",
}


@dataclass
class Item:
    """A code, concept or agency."""

    id: str
    names: dict[str, str]
    parent: str = ""


@dataclass
class Scheme:
    """A code list, concept scheme or agency scheme."""

    kind: str
    id: str
    agency: str
    names: dict[str, str]
    items: list[Item]
    version: str = SDMX_VERSION


@dataclass
class Component:
    """A dimension, the time dimension, an attribute or the measure of a DSD."""

    id: str
    role: str  # dimension | time | attribute | measure
    codelist: str = ""
    level: str = "observation"  # attributes: observation | dataset


@dataclass
class Structure:
    """A data structure definition, or a dataflow (then `dsd` names the DSD it uses)."""

    kind: str
    id: str
    agency: str
    names: dict[str, str]
    components: list[Component] = field(default_factory=list)
    dsd: str = ""
    indicator: Indicator | None = None
    version: str = SDMX_VERSION


@dataclass
class Artefacts:
    """Everything a structure query can return, by kind."""

    agencyscheme: list[Scheme] = field(default_factory=list)
    codelist: list[Scheme] = field(default_factory=list)
    conceptscheme: list[Scheme] = field(default_factory=list)
    datastructure: list[Structure] = field(default_factory=list)
    dataflow: list[Structure] = field(default_factory=list)

    def all(self) -> list[Scheme | Structure]:
        return [
            *self.agencyscheme,
            *self.codelist,
            *self.conceptscheme,
            *self.datastructure,
            *self.dataflow,
        ]


def urn(kind: str, agency: str, id_: str, version: str) -> str:
    """The SDMX URN of a maintainable artefact."""
    return f"{URN}{URN_CLASS[kind]}={agency}:{id_}({version})"


def dsd_id(indicator: Indicator) -> str:
    return f"DSD_{indicator.code.upper()}"


def flow_id(indicator: Indicator) -> str:
    return f"DF_{indicator.code.upper()}"


def sdmx_indicators(*, now: dt.datetime | None = None) -> QuerySet[Indicator]:
    """Indicators with a public release: the only ones with structures and data served."""
    return public_indicators()


def indicator_for_flow(flow: str, *, agency: str | None = None) -> Indicator | None:
    """The public indicator behind a dataflow id DF_<CODE> (None when missing or embargoed)."""
    if not flow.upper().startswith("DF_"):
        return None
    for indicator in sdmx_indicators().filter(code__iexact=flow[3:]):
        if agency in (None, "*", "all") or sdmx_agency_id(indicator) == agency:
            return indicator
    return None


def dimension_components(indicator: Indicator) -> list[Component]:
    """FREQ, REF_AREA, the indicator's dimensions in key order, TIME_PERIOD."""
    return [
        Component("FREQ", "dimension", FREQ_LIST),
        Component("REF_AREA", "dimension", AREA_LIST),
        *[Component(d.upper(), "dimension", list_id_for(d)) for d in indicator.dimension_ids],
        Component("TIME_PERIOD", "time"),
    ]


def build(indicators: Iterable[Indicator]) -> Artefacts:
    """The artefacts describing these indicators, with every code list and concept."""
    indicators = list(indicators)
    out = Artefacts()
    agencies = sorted({sdmx_agency_id(i) for i in indicators} | {sdmx_agency_id(None)})
    # Each NSI's agency is named after the NSI (the platform's own agency keeps its id).
    agency_names = {sdmx_agency_id(i): i.owner.name for i in indicators if i.owner.agency_id}
    out.agencyscheme.append(
        Scheme(
            "agencyscheme",
            "AGENCIES",
            "SDMX",
            {"en": "Agencies of the platform"},
            [Item(a, {"en": agency_names.get(a, a)}) for a in agencies],
            AGENCY_SCHEME_VERSION,
        )
    )
    # Code lists are maintained by the platform's agency (shared by every NSI's dataflows).
    agency = sdmx_agency_id(None)
    stored = {
        cl.list_id: cl for cl in CodeList.objects.prefetch_related("codes").order_by("list_id")
    }
    for cl in stored.values():
        out.codelist.append(
            Scheme(
                "codelist",
                cl.list_id,
                agency,
                names(cl),
                [Item(c.code, names(c), c.parent) for c in cl.codes.all()],
                cl.version,
            )
        )
    parents = dict(Territory.objects.values_list("pk", "code"))
    area = [
        Item(t.code, names(t), parents.get(t.parent_id, "") if t.parent_id else "")
        for t in Territory.objects.filter(is_active=True).order_by("code")
    ]
    out.codelist.append(Scheme("codelist", AREA_LIST, agency, CONCEPT_NAMES["REF_AREA"], area))
    # A dimension without a maintained list gets one from the indicator's codes.
    extra: dict[str, set[str]] = {}
    for indicator in indicators:
        for dim, codes in (indicator.dimensions or {}).items():
            if list_id_for(dim) not in stored:
                extra.setdefault(list_id_for(dim), set()).update(str(c) for c in codes)
    for list_id, codes in sorted(extra.items()):
        out.codelist.append(
            Scheme(
                "codelist",
                list_id,
                agency,
                {"en": list_id[3:].title()},
                [Item(c, {"en": c}) for c in sorted(codes)],
            )
        )
    out.codelist.sort(key=lambda s: s.id)
    concepts = dict(CONCEPT_NAMES)
    for scheme in out.codelist:
        concepts.setdefault(scheme.id.removeprefix("CL_"), scheme.names)
    out.conceptscheme.append(
        Scheme(
            "conceptscheme",
            CONCEPT_SCHEME,
            agency,
            {"en": "Concepts of the platform", "sr-Latn": "Pojmovi", "sr-Cyrl": "Појмови"},
            [Item(cid, n) for cid, n in concepts.items()],
        )
    )
    for indicator in indicators:
        flow_names = names(indicator)
        owner = sdmx_agency_id(indicator)
        components = [
            *dimension_components(indicator),
            Component("OBS_VALUE", "measure"),
            Component("OBS_STATUS", "attribute", OBS_STATUS_LIST),
            Component("UNIT_MEASURE", "attribute", UNIT_LIST, level="dataset"),
        ]
        out.datastructure.append(
            Structure("datastructure", dsd_id(indicator), owner, flow_names, components)
        )
        out.dataflow.append(
            Structure(
                "dataflow",
                flow_id(indicator),
                owner,
                flow_names,
                dsd=dsd_id(indicator),
                indicator=indicator,
            )
        )
    return out


# --- the query: /structure/{type}/{agency}/{id}/{version}?references= ------------------------

TYPES = ("agencyscheme", "codelist", "conceptscheme", "datastructure", "dataflow")
ANY = {"*", "all"}
LATEST = {"~", "latest", "+"}


def _matches(value: str, wanted: str) -> bool:
    return wanted in ANY or value in wanted.split("+") or value in wanted.split(",")


def _version_matches(version: str, wanted: str) -> bool:
    if wanted in ANY or wanted in LATEST:
        return True
    return any(version == v or version.startswith(v + ".") for v in wanted.split("+"))


def select(
    artefacts: Artefacts, kind: str, agency: str, id_: str, version: str, references: str
) -> Artefacts:
    """The artefacts a query names, with the references it asks for."""
    out = Artefacts()
    kinds = TYPES if kind in ANY or kind == "structure" else (kind,)
    for k in kinds:
        for item in getattr(artefacts, k):
            if (
                _matches(item.agency, agency)
                and _matches(item.id, id_)
                and _version_matches(item.version, version)
            ):
                getattr(out, k).append(item)
    if references in {"children", "descendants", "all"}:
        _add_children(artefacts, out, deep=references != "children")
    if references in {"parents", "parentsandsiblings", "all"}:
        dsds = {s.id for s in out.datastructure}
        for flow in artefacts.dataflow:
            if flow.dsd in dsds and flow not in out.dataflow:
                out.dataflow.append(flow)
    if references in TYPES:
        full = Artefacts()
        _add_children(artefacts, full, deep=True, seed=out)
        setattr(out, references, getattr(full, references))
    return out


def _add_children(
    artefacts: Artefacts, out: Artefacts, *, deep: bool, seed: Artefacts | None = None
) -> None:
    seed = seed or out
    dsds = {f.dsd for f in seed.dataflow}
    for dsd in artefacts.datastructure:
        if dsd.id in dsds and dsd not in out.datastructure:
            out.datastructure.append(dsd)
    if not (deep or seed.datastructure):
        return
    lists = {c.codelist for d in out.datastructure for c in d.components if c.codelist}
    for cl in artefacts.codelist:
        if cl.id in lists and cl not in out.codelist:
            out.codelist.append(cl)
    if out.datastructure and not out.conceptscheme:
        out.conceptscheme.extend(artefacts.conceptscheme)


def structures(
    kind: str, agency: str, id_: str, version: str, references: str = "none"
) -> Artefacts:
    """What a structure query returns (built for the public indicators at this moment)."""
    return select(build(sdmx_indicators()), kind, agency, id_, version, references)


# --- SDMX-ML 2.1, written by sdmx1 ------------------------------------------------------------


def to_sdmx_ml(found: Artefacts) -> bytes:
    """A SDMX-ML 2.1 Structure message of the artefacts."""
    import sdmx
    from sdmx import message
    from sdmx.model import common, v21

    agencies: dict[str, common.Agency] = {}

    def agency_of(agency_id: str) -> common.Agency:
        return agencies.setdefault(agency_id, common.Agency(id=agency_id))

    def maintainable(cls: Any, obj: Scheme | Structure, **extra: Any) -> Any:
        return cls(
            id=obj.id,
            version=obj.version,
            maintainer=agency_of(obj.agency),
            name=dict(obj.names),
            is_final=True,
            is_external_reference=False,
            urn=urn(obj.kind, obj.agency, obj.id, obj.version),
            **extra,
        )

    msg = message.StructureMessage(
        header=message.Header(
            id=f"IREF{timezone.now():%Y%m%d%H%M%S}",
            prepared=timezone.now(),
            sender=common.Agency(id=sdmx_agency_id(None)),
            test=False,
        )
    )
    lists: dict[str, Any] = {}
    for scheme in found.codelist:
        cl = maintainable(common.Codelist, scheme)
        for item in scheme.items:
            cl.append(common.Code(id=item.id, name=dict(item.names)))
        for item in scheme.items:
            if item.parent and item.parent in cl.items:
                cl[item.id].parent = cl[item.parent]
                cl[item.parent].append_child(cl[item.id])
        lists[scheme.id] = cl
        msg.add(cl)
    concepts: dict[str, Any] = {}
    for scheme in found.conceptscheme:
        cs = maintainable(common.ConceptScheme, scheme)
        for item in scheme.items:
            coded = lists.get("CL_" + item.id) or (
                lists.get(AREA_LIST) if item.id == "REF_AREA" else None
            )
            # A core representation for coded concepts: readers (sdmx1) resolve a data set's
            # attribute values through it.
            cs.append(common.Concept(id=item.id, name=dict(item.names)))
            if coded is not None:
                cs[item.id].core_representation = common.Representation(enumerated=coded)
            concepts[item.id] = cs[item.id]
        msg.add(cs)
    for scheme in found.agencyscheme:
        ags = maintainable(common.AgencyScheme, scheme)
        for item in scheme.items:
            ags.append(common.Agency(id=item.id, name=dict(item.names)))
        msg.add(ags)

    def concept(cid: str) -> Any:
        return concepts.get(cid) or common.Concept(id=cid)

    text_types = {
        "time": common.FacetValueType.observationalTimePeriod,
        "measure": common.FacetValueType.double,
    }

    def representation(component: Component) -> Any:
        if component.role in text_types:
            facet = common.Facet(value_type=text_types[component.role])
            return common.Representation(non_enumerated=[facet])
        if component.codelist:
            enumerated = lists.get(component.codelist) or common.Codelist(
                id=component.codelist,
                maintainer=agency_of(sdmx_agency_id(None)),
                version=SDMX_VERSION,
            )
            return common.Representation(enumerated=enumerated)
        return None

    dsds: dict[str, Any] = {}
    for structure in found.datastructure:
        dsd = maintainable(v21.DataStructureDefinition, structure)
        dsd.dimensions.id = "DimensionDescriptor"
        dsd.attributes.id = "AttributeDescriptor"
        dsd.measures.id = "MeasureDescriptor"
        order = 0
        for comp in structure.components:
            if comp.role in {"dimension", "time"}:
                order += 1
                cls = v21.TimeDimension if comp.role == "time" else v21.Dimension
                dsd.dimensions.append(
                    cls(
                        id=comp.id,
                        order=order,
                        concept_identity=concept(comp.id),
                        local_representation=representation(comp),
                    )
                )
            elif comp.role == "measure":
                dsd.measures.append(
                    v21.PrimaryMeasure(
                        id=comp.id,
                        concept_identity=concept(comp.id),
                        local_representation=representation(comp),
                    )
                )
            else:
                related = (
                    v21.PrimaryMeasureRelationship()
                    if comp.level == "observation"
                    else v21.NoSpecifiedRelationship()
                )
                dsd.attributes.append(
                    v21.DataAttribute(
                        id=comp.id,
                        concept_identity=concept(comp.id),
                        local_representation=representation(comp),
                        related_to=related,
                        usage_status=common.UsageStatus.conditional,
                    )
                )
        dsds[structure.id] = dsd
        msg.add(dsd)
    for flow in found.dataflow:
        dsd = dsds.get(flow.dsd) or v21.DataStructureDefinition(
            id=flow.dsd, version=flow.version, maintainer=agency_of(flow.agency)
        )
        msg.add(maintainable(v21.DataflowDefinition, flow, structure=dsd))
    return bytes(sdmx.to_xml(msg, pretty_print=False))


# --- SDMX-JSON 2.0 -----------------------------------------------------------------------------

JSON_STRUCTURE_SCHEMA = (
    "https://raw.githubusercontent.com/sdmx-twg/sdmx-json/develop/structure-message/tools/"
    "schemas/2.0.0/sdmx-json-structure-schema.json"
)


def _json_names(names_: dict[str, str], lang: str) -> dict[str, Any]:
    return {
        "name": names_.get(lang) or names_.get("en") or next(iter(names_.values()), ""),
        "names": names_,
    }


def _json_maintainable(obj: Scheme | Structure, lang: str) -> dict[str, Any]:
    return {
        "id": obj.id,
        "version": obj.version,
        "agencyID": obj.agency,
        "isExternalReference": False,
        "isFinal": True,
        **_json_names(obj.names, lang),
        "links": [
            {"rel": "self", "urn": urn(obj.kind, obj.agency, obj.id, obj.version), "type": obj.kind}
        ],
    }


def to_sdmx_json(found: Artefacts, *, lang: str = "en") -> bytes:
    """A SDMX-JSON 2.0 structure message of the artefacts."""
    agency = sdmx_agency_id(None)
    concept_urn = f"{URN}conceptscheme.Concept={agency}:{CONCEPT_SCHEME}({SDMX_VERSION})."

    def enumeration(list_id: str) -> dict[str, Any]:
        return {"enumeration": urn("codelist", agency, list_id, SDMX_VERSION)}

    def component(comp: Component, position: int) -> dict[str, Any]:
        body: dict[str, Any] = {"id": comp.id, "conceptIdentity": concept_urn + comp.id}
        if comp.role in {"dimension", "time"}:
            body["position"] = position
        if comp.codelist:
            body["localRepresentation"] = enumeration(comp.codelist)
        elif comp.role == "time":
            body["localRepresentation"] = {"format": {"dataType": "ObservationalTimePeriod"}}
        elif comp.role == "measure":
            body["localRepresentation"] = {"format": {"dataType": "Double"}}
        if comp.role == "attribute":
            body["usage"] = "optional"
            body["attributeRelationship"] = (
                {"observation": {}} if comp.level == "observation" else {"dataflow": {}}
            )
        if comp.role == "measure":
            body["usage"] = "optional"
        return body

    def dsd_json(s: Structure) -> dict[str, Any]:
        dims = [c for c in s.components if c.role == "dimension"]
        time = [c for c in s.components if c.role == "time"]
        return {
            **_json_maintainable(s, lang),
            "dataStructureComponents": {
                "dimensionList": {
                    "id": "DimensionDescriptor",
                    "dimensions": [component(c, i) for i, c in enumerate(dims)],
                    "timeDimension": component(time[0], len(dims)),
                },
                "attributeList": {
                    "id": "AttributeDescriptor",
                    "attributes": [component(c, 0) for c in s.components if c.role == "attribute"],
                },
                "measureList": {
                    "id": "MeasureDescriptor",
                    "measures": [component(c, 0) for c in s.components if c.role == "measure"],
                },
            },
        }

    def scheme_json(s: Scheme, key: str) -> dict[str, Any]:
        items = []
        for it in s.items:
            entry = {"id": it.id, **_json_names(it.names, lang)}
            if it.parent:
                entry["parent"] = it.parent
            items.append(entry)
        return {**_json_maintainable(s, lang), key: items}

    data: dict[str, Any] = {}
    if found.agencyscheme:
        data["agencySchemes"] = [scheme_json(s, "agencies") for s in found.agencyscheme]
    if found.codelist:
        data["codelists"] = [scheme_json(s, "codes") for s in found.codelist]
    if found.conceptscheme:
        data["conceptSchemes"] = [scheme_json(s, "concepts") for s in found.conceptscheme]
    if found.datastructure:
        data["dataStructures"] = [dsd_json(s) for s in found.datastructure]
    if found.dataflow:
        data["dataflows"] = [
            {
                **_json_maintainable(f, lang),
                "structure": urn("datastructure", f.agency, f.dsd, f.version),
            }
            for f in found.dataflow
        ]
    return orjson.dumps(
        {
            "meta": {
                "schema": JSON_STRUCTURE_SCHEMA,
                "id": f"IREF{timezone.now():%Y%m%d%H%M%S}",
                "test": False,
                "prepared": timezone.now().isoformat(),
                "contentLanguages": [lang],
                "sender": {"id": agency},
            },
            "data": data,
        }
    )
