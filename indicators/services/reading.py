"""Reading a submission's table with pandas: CSV (encoding detected) or XLSX, all as text."""

from __future__ import annotations

import io

import pandas as pd
from charset_normalizer import from_bytes

from ddms_platform.core.errors import DomainError
from partnerships.models import Submission


def _decode(data: bytes, declared: str) -> str:
    # Explicit attempts first: partners send UTF-8 or Windows-1251; detection is the fallback.
    for encoding in [e for e in (declared, "utf-8-sig", "cp1251") if e]:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    best = from_bytes(data).best()
    if best is None:
        raise DomainError("The file's text encoding could not be detected.", code="encoding_error")
    return str(best)


def read_table(submission: Submission) -> pd.DataFrame:
    """The submission's rows as a DataFrame of strings (no value is guessed or converted)."""
    with submission.file.open("rb") as handle:
        data = handle.read()
    try:
        if submission.format == "xlsx":
            df = pd.read_excel(
                io.BytesIO(data), dtype=str, engine="openpyxl", keep_default_na=False
            )
        else:
            df = pd.read_csv(
                io.StringIO(_decode(data, submission.encoding)),
                dtype=str,
                keep_default_na=False,
                skipinitialspace=False,
            )
    except (ValueError, pd.errors.ParserError, OSError) as exc:
        raise DomainError(f"The file cannot be read: {exc}", code="unreadable_file") from exc
    df.columns = [str(c).strip() for c in df.columns]
    return df.fillna("")
