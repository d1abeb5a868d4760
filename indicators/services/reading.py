"""Reading a submission's table with pandas: CSV (encoding detected) or XLSX, all as text."""

from __future__ import annotations

from typing import IO, Any

import pandas as pd

from ddms_platform.core.errors import DomainError
from ddms_platform.core.storage import open_stored
from ddms_platform.tabular.encoding import EncodingProblem, detect_encoding
from ddms_platform.tabular.spool import local_copy
from partnerships.models import Submission

SAMPLE_BYTES = 1 << 16


def _read_csv(stream: IO[bytes] | Any, encoding: str) -> pd.DataFrame:
    # pandas decodes and parses the stream piece by piece: the raw file is never held whole.
    return pd.read_csv(
        stream, encoding=encoding, dtype=str, keep_default_na=False, skipinitialspace=False
    )


def _read_csv_detecting(stored: Any) -> pd.DataFrame:
    # No encoding was recorded at upload: detect it exactly as the upload check does, which
    # reads the whole file before parsing it, so from a local copy made in chunks.
    with local_copy(stored, suffix=".csv") as path:
        with path.open("rb") as fh:
            head = fh.read(SAMPLE_BYTES)
        try:
            encoding, _bom = detect_encoding(path, head)
        except EncodingProblem as problem:
            raise DomainError(
                f"The file's text encoding could not be detected: {problem.note}.",
                code="encoding_error",
            ) from problem
        with path.open("rb") as fh:
            return _read_csv(fh, encoding)


def read_table(submission: Submission) -> pd.DataFrame:
    """The submission's rows as a DataFrame of strings (no value is guessed or converted).

    The file is read through the storage API (the local disk or a bucket), streamed.
    """
    try:
        with open_stored(submission.file) as stored:
            if submission.format == "xlsx":
                # openpyxl opens the workbook as a zip, which needs seeking: it reads a local
                # copy, made in chunks.
                with local_copy(stored, suffix=".xlsx") as path:
                    df = pd.read_excel(path, dtype=str, engine="openpyxl", keep_default_na=False)
            elif submission.encoding:
                df = _read_csv(stored, submission.encoding)
            else:
                df = _read_csv_detecting(stored)
    except FileNotFoundError as exc:
        raise DomainError("The submission's file is missing.", code="unreadable_file") from exc
    except (ValueError, pd.errors.ParserError, OSError) as exc:
        raise DomainError(f"The file cannot be read: {exc}", code="unreadable_file") from exc
    df.columns = [str(c).strip() for c in df.columns]
    return df.fillna("")
