"""Exceptions raised by the tabular validation engine."""


class TabularError(Exception):
    """Base class of the engine's exceptions."""


class SchemaError(TabularError):
    """The schema is not a usable Frictionless Table Schema (a caller error, never retried)."""


class SourceError(TabularError):
    """The input file cannot be read at all (missing, not a file).

    Files that exist but cannot be decoded or parsed are reported as a ``source-error`` /
    ``encoding-error`` report instead, so the partner sees the reason next to the upload.
    """
