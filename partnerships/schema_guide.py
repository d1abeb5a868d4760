"""A request's Table Schema and CSV dialect explained in words, for the partner.

Every column with its title, description, type and format in words, whether it is required,
its allowed codes with labels (from the platform's code lists where a foreign key names one),
its range, its pattern with an example value; then the primary key and the dialect.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

# The regular-expression parser (public as sre_parse until Python 3.11 deprecated the name).
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

from django.utils.translation import gettext as _

from .references import code_list_labels
from .report_messages import FORMAT_WORDS, TYPE_WORDS, written

# Above this many codes the page lists the first ones and says how many there are.
MAX_CODES_SHOWN = 60
# The XLSX template's drop-down lists allowed codes up to this many (Excel's formula limit).
MAX_DROPDOWN_CODES = 250


@dataclass
class ColumnGuide:
    """One column of the expected table, explained."""

    name: str
    title: str
    description: str
    type_words: str
    required: bool
    unique: bool
    codes: list[tuple[str, str]] = field(default_factory=list)
    codes_total: int = 0
    code_list: str = ""
    rules: list[str] = field(default_factory=list)
    example: str = ""

    @property
    def codes_shown(self) -> list[tuple[str, str]]:
        """The codes the page lists."""
        return self.codes[:MAX_CODES_SHOWN]

    @property
    def codes_more(self) -> int:
        """How many allowed codes the page does not list."""
        return max(0, self.codes_total - MAX_CODES_SHOWN)


def _type_words(descriptor: dict[str, Any]) -> str:
    kind = descriptor.get("type") or "string"
    fmt = descriptor.get("format") or "default"
    if fmt in FORMAT_WORDS:
        return str(FORMAT_WORDS[fmt])
    words = str(TYPE_WORDS.get(kind, TYPE_WORDS["any"]))
    if kind in ("date", "datetime", "time") and fmt not in ("default", "any"):
        return _("%(type)s, written as %(format)s") % {"type": words, "format": fmt}
    return words


def example_for_pattern(pattern: str) -> str:
    """A value matching ``pattern`` (deterministic), or "" when none can be built simply."""
    rng = random.Random(pattern)
    try:
        parsed = sre_parse.parse(pattern)
    except (re.error, sre_constants.error, TypeError):
        return ""

    def build(items: Any) -> str:
        out = []
        for op, arg in items:
            if op == sre_constants.LITERAL:
                out.append(chr(arg))
            elif op == sre_constants.ANY:
                out.append("x")
            elif op == sre_constants.IN:
                out.append(_pick(arg))
            elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
                low, high, sub = arg
                count = low if low else min(high, 1)
                out.append("".join(build(sub) for _ in range(count)))
            elif op == sre_constants.SUBPATTERN:
                out.append(build(arg[-1]))
            elif op == sre_constants.BRANCH:
                out.append(build(arg[1][0]))
            elif op == sre_constants.AT:
                continue
            else:
                raise ValueError(op)
        return "".join(out)

    def _pick(arg: Any) -> str:
        for op, value in arg:
            if op == sre_constants.LITERAL:
                return chr(value)
            if op == sre_constants.RANGE:
                return chr(value[0] + rng.randrange(value[1] - value[0] + 1))
            if op == sre_constants.CATEGORY:
                return {"category_digit": "7", "category_word": "a", "category_space": " "}.get(
                    str(value).lower().split(".")[-1], "a"
                )
        raise ValueError(arg)

    try:
        value = build(parsed)
    except (ValueError, TypeError, IndexError):
        return ""
    return value if re.fullmatch(pattern, value) else ""


def _rules(descriptor: dict[str, Any]) -> tuple[list[str], str]:
    constraints = descriptor.get("constraints") or {}
    rules = []
    low, high = constraints.get("minimum"), constraints.get("maximum")
    if low is not None and high is not None:
        rules.append(_("from %(low)s to %(high)s") % {"low": written(low), "high": written(high)})
    elif low is not None:
        rules.append(_("at least %(low)s") % {"low": written(low)})
    elif high is not None:
        rules.append(_("at most %(high)s") % {"high": written(high)})
    if constraints.get("exclusiveMinimum") is not None:
        rules.append(_("more than %(v)s") % {"v": written(constraints["exclusiveMinimum"])})
    if constraints.get("exclusiveMaximum") is not None:
        rules.append(_("less than %(v)s") % {"v": written(constraints["exclusiveMaximum"])})
    if constraints.get("minLength") is not None:
        rules.append(_("at least %(n)s characters") % {"n": constraints["minLength"]})
    if constraints.get("maxLength") is not None:
        rules.append(_("at most %(n)s characters") % {"n": constraints["maxLength"]})
    example = str(descriptor.get("example") or "")
    pattern = constraints.get("pattern")
    if isinstance(pattern, str) and pattern:
        example = example or example_for_pattern(pattern)
        if example:
            rules.append(
                _("of the form %(pattern)s, for example %(example)s")
                % {"pattern": pattern, "example": example}
            )
        else:
            rules.append(_("of the form %(pattern)s") % {"pattern": pattern})
    return rules, example


def _foreign_lists(schema: dict[str, Any]) -> dict[str, str]:
    """Column name -> the ``ddms:`` code list its one-column foreign key references."""
    out = {}
    for fk in schema.get("foreignKeys") or []:
        if not isinstance(fk, dict):
            continue
        fields = fk.get("fields")
        fields = [fields] if isinstance(fields, str) else fields
        resource = (fk.get("reference") or {}).get("resource")
        if isinstance(fields, list) and len(fields) == 1 and isinstance(resource, str):
            out[str(fields[0])] = resource
    return out


def column_codes(
    schema: dict[str, Any], descriptor: dict[str, Any]
) -> tuple[list[tuple[str, str]], str]:
    """(allowed codes with their labels, code list name) of one column; [] when free."""
    name = descriptor.get("name")
    resource = _foreign_lists(schema).get(str(name), "")
    labels = code_list_labels(resource) if resource else None
    enum = (descriptor.get("constraints") or {}).get("enum")
    if isinstance(enum, list):
        known = labels or {}
        return [(written(code), known.get(written(code), "")) for code in enum], resource
    if labels is not None:
        return sorted(labels.items()), resource
    return [], resource


def describe_schema(schema: Any, dialect: Any = None) -> dict[str, Any]:
    """Everything the request page shows about the expected file."""
    schema = schema if isinstance(schema, dict) else {}
    columns = []
    for descriptor in schema.get("fields") or []:
        if not isinstance(descriptor, dict):
            continue
        constraints = descriptor.get("constraints") or {}
        codes, resource = column_codes(schema, descriptor)
        rules, example = _rules(descriptor)
        if not example and codes:
            example = codes[0][0]
        columns.append(
            ColumnGuide(
                name=str(descriptor.get("name", "")),
                title=str(descriptor.get("title") or ""),
                description=str(descriptor.get("description") or ""),
                type_words=_type_words(descriptor),
                required=bool(constraints.get("required")),
                unique=bool(constraints.get("unique")),
                codes=codes,
                codes_total=len(codes),
                code_list=resource,
                rules=rules,
                example=example,
            )
        )
    key = schema.get("primaryKey") or []
    return {
        "columns": columns,
        "primary_key": [key] if isinstance(key, str) else list(key),
        "dialect": describe_dialect(dialect),
        "missing_values": schema.get("missingValues"),
    }


def describe_dialect(dialect: Any) -> list[tuple[str, str]]:
    """(label, value) pairs of the declared CSV dialect; the defaults when none is declared."""
    dialect = dialect if isinstance(dialect, dict) else {}
    delimiter = dialect.get("delimiter")
    names = {",": _("comma (,)"), ";": _("semicolon (;)"), "\t": _("tab")}
    rows = [
        (
            _("Separator"),
            names.get(delimiter, written(delimiter))
            if delimiter
            else _("detected (comma or semicolon)"),
        ),
        (_("Header row"), _("yes") if dialect.get("header", True) else _("no")),
        (_("Character encoding"), _("UTF-8 (Cyrillic and Latin both work)")),
    ]
    if dialect.get("quoteChar"):
        rows.append((_("Quote character"), str(dialect["quoteChar"])))
    return rows
