"""A declared CSV dialect (Frictionless CSV Dialect, v1 keys and the v2 ones frictionless 5 reads)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .exceptions import SchemaError

KNOWN_KEYS = {
    "delimiter",
    "lineTerminator",
    "quoteChar",
    "doubleQuote",
    "escapeChar",
    "skipInitialSpace",
    "header",
    "headerRows",
    "headerJoin",
    "commentChar",
    "commentRows",
    "caseSensitiveHeader",
    "csvddfVersion",
    "nullSequence",
    "$schema",
}


class DialectError(SchemaError):
    """The dialect descriptor is not a usable CSV Dialect (the message names the key)."""


@dataclass(frozen=True)
class Dialect:
    """How to cut a CSV file into rows and cells; ``None`` delimiter means "detect it"."""

    delimiter: str | None = None
    header: bool = True
    header_rows: tuple[int, ...] = (1,)
    header_join: str = " "
    quote_char: str = '"'
    double_quote: bool = True
    escape_char: str | None = None
    skip_initial_space: bool = False
    comment_char: str | None = None
    comment_rows: tuple[int, ...] = field(default_factory=tuple)
    header_rows_declared: bool = False

    @property
    def simple(self) -> bool:
        """Whether pyarrow's fast reader reads this dialect exactly as frictionless does."""
        return (
            self.header
            and self.header_rows == (1,)
            and self.quote_char == '"'
            and self.escape_char is None
            and not self.skip_initial_space
            and self.comment_char is None
            and not self.comment_rows
        )

    def is_comment(self, row_number: int, cells: list[str]) -> bool:
        """A row frictionless skips: listed in ``commentRows`` or starting with ``commentChar``."""
        if self.comment_char and cells and cells[0].startswith(self.comment_char):
            return True
        return row_number in self.comment_rows

    @property
    def first_content_row(self) -> int:
        """Physical number of the first data row (frictionless: after the last header row)."""
        return self.header_rows[-1] + 1 if self.header and self.header_rows else 1

    def csv_options(self, delimiter: str) -> dict[str, Any]:
        """Keyword arguments for :func:`csv.reader`, as frictionless builds its csv config."""
        return {
            "delimiter": delimiter,
            "quotechar": self.quote_char or None,
            "quoting": 3 if self.quote_char == "" else 0,  # QUOTE_NONE / QUOTE_MINIMAL
            # frictionless: "doublequote = double_quote if escape_char else True"
            "doublequote": self.double_quote if self.escape_char else True,
            "escapechar": self.escape_char,
            "skipinitialspace": self.skip_initial_space,
        }


def _char(raw: dict[str, Any], key: str, *, allow_empty: bool = False) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > 1 or (not value and not allow_empty):
        raise DialectError(f'dialect "{key}" must be a single character, got {value!r}')
    return value


def _bool(raw: dict[str, Any], key: str, default: bool) -> bool:
    value = raw.get(key, default)
    if not isinstance(value, bool):
        raise DialectError(f'dialect "{key}" must be true or false, got {value!r}')
    return value


def _rows(raw: dict[str, Any], key: str, default: tuple[int, ...]) -> tuple[int, ...]:
    value = raw.get(key, list(default))
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in value
    ):
        raise DialectError(f'dialect "{key}" must be a list of row numbers (1 or more)')
    return tuple(value)


def load_dialect(descriptor: Any) -> Dialect:
    """Check a CSV Dialect descriptor (dict, None or a :class:`Dialect`) and return it.

    Raises :class:`DialectError` naming the first bad key.
    """
    if descriptor is None:
        return Dialect()
    if isinstance(descriptor, Dialect):
        return descriptor
    if not isinstance(descriptor, dict):
        raise DialectError(f"the dialect must be a JSON object, got {type(descriptor).__name__}")
    unknown = sorted(set(descriptor) - KNOWN_KEYS)
    if unknown:
        raise DialectError(f"the dialect has unknown keys: {', '.join(unknown)}")
    delimiter = _char(descriptor, "delimiter")
    terminator = descriptor.get("lineTerminator")
    if terminator is not None and terminator not in ("\n", "\r\n", "\r"):
        # rows always end at \n, \r\n or \r (as frictionless's csv module reads them)
        raise DialectError('dialect "lineTerminator" must be "\\n", "\\r\\n" or "\\r"')
    quote_char = _char(descriptor, "quoteChar", allow_empty=True)
    header_join = descriptor.get("headerJoin", " ")
    if not isinstance(header_join, str):
        raise DialectError('dialect "headerJoin" must be a string')
    dialect = Dialect(
        delimiter=delimiter,
        header=_bool(descriptor, "header", True),
        header_rows=_rows(descriptor, "headerRows", (1,)),
        header_join=header_join,
        quote_char='"' if quote_char is None else quote_char,
        double_quote=_bool(descriptor, "doubleQuote", True),
        escape_char=_char(descriptor, "escapeChar"),
        skip_initial_space=_bool(descriptor, "skipInitialSpace", False),
        comment_char=_char(descriptor, "commentChar"),
        comment_rows=_rows(descriptor, "commentRows", ()),
        header_rows_declared="headerRows" in descriptor or "header" in descriptor,
    )
    if dialect.delimiter is not None and dialect.delimiter in ("\n", "\r", dialect.quote_char):
        raise DialectError('dialect "delimiter" cannot be a newline or the quote character')
    if dialect.header and not dialect.header_rows:
        raise DialectError('dialect "headerRows" is empty; use "header": false for no header')
    return dialect
