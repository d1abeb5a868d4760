"""Encoding detection for uploaded CSV files.

Order: strict UTF-8 (BOM or not), UTF-16 by BOM, the Cyrillic code pages our partners
actually use when they decode cleanly and look like Russian/Ukrainian text, and only then
charset-normalizer. The explicit attempts come first because statistical detectors often
mistake short Cyrillic samples for other single-byte code pages.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path

READ_SIZE = 1 << 20
CYRILLIC_CODEPAGES = ["cp1251", "koi8-r", "iso-8859-5", "cp866"]
# Share of non-ASCII characters that must be Cyrillic letters for a code page to be plausible.
MIN_CYRILLIC_SHARE = 0.9


class EncodingProblem(Exception):
    """The file is not text we can decode (carries the report error type and note)."""

    def __init__(self, error_type: str, note: str) -> None:
        super().__init__(note)
        self.error_type = error_type
        self.note = note


def _iter_bytes(path: Path, skip: int = 0, read_size: int = READ_SIZE) -> Iterator[bytes]:
    with path.open("rb") as fh:
        fh.seek(skip)
        while piece := fh.read(read_size):
            yield piece


def decodes_cleanly(path: Path, encoding: str, skip: int = 0) -> bool:
    """Whether the whole file decodes with ``encoding`` without errors (streamed)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        for piece in _iter_bytes(path, skip):
            decoder.decode(piece)
        decoder.decode(b"", final=True)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


# The most frequent letters of Russian and Ukrainian prose (about 60% of all letters).
FREQUENT_LETTERS = set("оеаинтсрвлкі")


def _cyrillic_score(text: str) -> float:
    """Plausibility of decoded text as Cyrillic prose (0 = implausible).

    The code pages decode almost any byte, so "decodes cleanly" alone cannot choose between
    them. A wrong Cyrillic code page still yields Cyrillic letters, but a permutation of
    them: the frequent letters (о, е, а…) turn into rare ones, and KOI8-R/CP1251 swap case.
    The score rewards both the frequent letters and lower case.
    """
    non_ascii = [c for c in text if ord(c) > 127]
    if not non_ascii:
        return 0.0
    if any(0x80 <= ord(c) <= 0x9F for c in non_ascii):  # C1 controls never occur in real text
        return 0.0
    letters = [c for c in non_ascii if "\u0400" <= c <= "\u04ff"]
    if len(letters) / len(non_ascii) < MIN_CYRILLIC_SHARE:
        return 0.0
    # Accented Latin text (Latin-1, CP1252) also decodes to Cyrillic letters, but they sit
    # inside Latin words ("café" -> "cafй"); real Cyrillic words are not mixed with Latin.
    mixed = sum(
        1
        for i, c in enumerate(text)
        if "\u0400" <= c <= "\u04ff"
        and (
            (i > 0 and text[i - 1].isascii() and text[i - 1].isalpha())
            or (i + 1 < len(text) and text[i + 1].isascii() and text[i + 1].isalpha())
        )
    )
    if mixed > 0.1 * len(letters):
        return 0.0
    frequent = sum(1 for c in letters if c.lower() in FREQUENT_LETTERS) / len(letters)
    lower = sum(1 for c in letters if c.islower()) / len(letters)
    return frequent * (0.5 + 0.5 * lower)


def detect_encoding(path: Path, sample: bytes) -> tuple[str, int]:
    """Return ``(encoding, bom_length)`` for a CSV file, or raise :class:`EncodingProblem`.

    ``sample`` is the beginning of the file (used for BOMs, binary sniffing and scoring);
    clean decoding is always checked over the whole file so a bad byte deep in the file is
    caught here and not half-way through validation.
    """
    if sample.startswith(codecs.BOM_UTF8):
        if decodes_cleanly(path, "utf-8", skip=3):
            return "utf-8-sig", 3
        raise EncodingProblem(
            "encoding-error", "the file starts with a UTF-8 BOM but is not valid UTF-8"
        )
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        if decodes_cleanly(path, "utf-16"):
            return "utf-16", 2
        raise EncodingProblem(
            "encoding-error", "the file starts with a UTF-16 BOM but is not valid UTF-16"
        )
    if b"\x00" in sample:
        raise EncodingProblem(
            "source-error", "the file is binary (it contains NUL bytes), not CSV text"
        )
    controls = sum(1 for b in sample if b < 0x20 and b not in (9, 10, 13))
    if controls > max(2, len(sample) // 100):
        raise EncodingProblem(
            "source-error", "the file is binary (control characters), not CSV text"
        )
    if decodes_cleanly(path, "utf-8"):
        return "utf-8", 0
    scored = []
    for rank, encoding in enumerate(CYRILLIC_CODEPAGES):
        try:
            text = sample.decode(encoding, errors="strict")
        except UnicodeDecodeError:
            # the sample may end mid-character only for multi-byte encodings; these are not
            continue
        score = _cyrillic_score(text)
        if score > 0 and decodes_cleanly(path, encoding):
            scored.append((-score, rank, encoding))
    if scored:
        return min(scored)[2], 0
    return _detect_with_charset_normalizer(path), 0


def _detect_with_charset_normalizer(path: Path) -> str:
    from charset_normalizer import from_path

    best = from_path(path).best()
    if best is None:
        raise EncodingProblem(
            "encoding-error", "the text encoding could not be detected; save the file as UTF-8"
        )
    encoding = best.encoding
    if not decodes_cleanly(path, encoding):
        raise EncodingProblem(
            "encoding-error", f'the file does not decode as "{encoding}"; save it as UTF-8'
        )
    return encoding


def iter_utf8(path: Path, encoding: str, bom: int, read_size: int = READ_SIZE) -> Iterator[bytes]:
    """Stream the file as UTF-8 bytes, transcoding piece by piece when needed."""
    if encoding in ("utf-8", "utf-8-sig"):
        # Already checked to be valid UTF-8: hand the bytes through untouched (fast path).
        yield from _iter_bytes(path, skip=bom, read_size=read_size)
        return
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    first = True
    for piece in _iter_bytes(path, read_size=read_size):
        text = decoder.decode(piece)
        if first and text.startswith("\ufeff"):
            text = text[1:]
        first = first and not text
        yield text.encode("utf-8")
    tail = decoder.decode(b"", final=True)
    if tail:
        yield tail.encode("utf-8")
