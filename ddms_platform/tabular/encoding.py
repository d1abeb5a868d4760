"""Encoding detection for uploaded CSV files.

Order: strict UTF-8 (BOM or not), UTF-16 by BOM, the Cyrillic code pages our partners
actually use when they decode cleanly and look like Russian/Ukrainian text, and only then
charset-normalizer. The explicit attempts come first because statistical detectors often
mistake short Cyrillic samples for other single-byte code pages.
"""

from __future__ import annotations

import codecs
import contextlib
import io
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import numpy as np

READ_SIZE = 1 << 20
CYRILLIC_CODEPAGES = ["cp1251", "koi8-r", "iso-8859-5", "cp866"]
# Latin-script code pages partners in the region use, in order of preference on a tie:
# Western (cp1252, a superset of Latin-1's printable range), Central European (cp1250,
# ISO-8859-2) and the old Mac default (mac-roman, from Excel on a Mac).
LATIN_CODEPAGES = ["cp1252", "cp1250", "iso-8859-2", "mac-roman"]
# Accented letters of the languages written in those code pages, weighted by how common
# they are in the region (so not Portuguese ã, õ: "Győr" is Hungarian, not "Gyõr"): a wrong
# code page turns them into rare letters, symbols or misplaced capitals.
COMMON_LATIN = set("éèàùâêîôûëïüçäößñáíóúøåæœčšžěřůýąęłśćńőűťďňżÉÈÀÄÖÜÇÑÁÍÓÚČŠŽŘŁŚŻ")
# Share of non-ASCII characters that must be Cyrillic letters for a code page to be plausible.
MIN_CYRILLIC_SHARE = 0.9


class EncodingProblem(Exception):
    """The file is not text we can decode (carries the report error type and note)."""

    def __init__(self, error_type: str, note: str) -> None:
        super().__init__(note)
        self.error_type = error_type
        self.note = note


Source = Path | IO[bytes]


@contextlib.contextmanager
def open_binary(source: Source) -> Iterator[IO[bytes]]:
    """A binary stream at offset 0: the path opened, or the caller's stream rewound.

    A caller's stream (e.g. a file opened from object storage) must be seekable: the engine
    reads it several times from the start (encoding check, header, rows). It is not closed.
    """
    if isinstance(source, Path):
        with source.open("rb") as fh:
            yield fh
        return
    source.seek(0)
    yield source


def source_size(source: Source) -> int:
    """Size in bytes of a path or of a seekable stream."""
    if isinstance(source, Path):
        return source.stat().st_size
    source.seek(0, io.SEEK_END)
    size = source.tell()
    source.seek(0)
    return size


def _iter_bytes(source: Source, skip: int = 0, read_size: int = READ_SIZE) -> Iterator[bytes]:
    with open_binary(source) as fh:
        fh.seek(skip)
        while piece := fh.read(read_size):
            yield piece


def _ascii(piece: bytes) -> bool:
    return not piece or int(np.frombuffer(piece, dtype=np.uint8).max()) < 0x80


def decodes_cleanly(source: Source, encoding: str, skip: int = 0) -> bool:
    """Whether the whole file decodes with ``encoding`` without errors (streamed)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    utf8 = codecs.lookup(encoding).name == "utf-8"
    try:
        for piece in _iter_bytes(source, skip):
            # A pure-ASCII piece is valid UTF-8 unless a character started before it: skip
            # decoding it then (numpy's max is ~10x faster than the decoder and spares
            # building a str of the whole file).
            if utf8 and not decoder.getstate()[0] and _ascii(piece):
                continue
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


def _latin_score(text: str) -> float | None:
    """Plausibility of decoded text as Latin-script prose, or None when impossible.

    Common accented letters score 1, other letters 0.2; a symbol inside a word or a capital
    right after a lower-case letter (``CafŽ``, ``Zźrich`` are how wrong code pages look)
    costs 1. C1 control characters never occur in real text.
    """
    score = 0.0
    for i, c in enumerate(text):
        if ord(c) < 128:
            continue
        if 0x80 <= ord(c) <= 0x9F:
            return None
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        if c.isalpha():
            if c.isupper() and before.isalpha() and before.islower():
                score -= 1
            else:
                score += 1 if c in COMMON_LATIN else 0.2
        elif before.isalpha() and after.isalpha():
            score -= 1
    return score


def _best_latin(source: Source, sample: bytes) -> str | None:
    best: tuple[float, int, str] | None = None
    for rank, encoding in enumerate(LATIN_CODEPAGES):
        try:
            text = sample.decode(encoding, errors="strict")
        except UnicodeDecodeError:
            continue
        score = _latin_score(text)
        if score is None or score <= 0:
            continue
        if (best is None or (score, -rank) > (best[0], -best[1])) and decodes_cleanly(
            source, encoding
        ):
            best = (score, rank, encoding)
    return best[2] if best else None


def detect_encoding(source: Source, sample: bytes) -> tuple[str, int]:
    """Return ``(encoding, bom_length)`` for a CSV file, or raise :class:`EncodingProblem`.

    ``sample`` is the beginning of the file (used for BOMs, binary sniffing and scoring);
    clean decoding is always checked over the whole file so a bad byte deep in the file is
    caught here and not half-way through validation.
    """
    if sample.startswith(codecs.BOM_UTF8):
        if decodes_cleanly(source, "utf-8", skip=3):
            return "utf-8-sig", 3
        raise EncodingProblem(
            "encoding-error", "the file starts with a UTF-8 BOM but is not valid UTF-8"
        )
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        if decodes_cleanly(source, "utf-16"):
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
    if decodes_cleanly(source, "utf-8"):
        return "utf-8", 0
    scored = []
    for rank, encoding in enumerate(CYRILLIC_CODEPAGES):
        try:
            text = sample.decode(encoding, errors="strict")
        except UnicodeDecodeError:
            # the sample may end mid-character only for multi-byte encodings; these are not
            continue
        score = _cyrillic_score(text)
        if score > 0 and decodes_cleanly(source, encoding):
            scored.append((-score, rank, encoding))
    if scored:
        return min(scored)[2], 0
    latin = _best_latin(source, sample)
    if latin:
        return latin, 0
    return _detect_with_charset_normalizer(source), 0


def _detect_with_charset_normalizer(source: Source) -> str:
    from charset_normalizer import from_fp

    with open_binary(source) as fh:
        best = from_fp(fh).best()  # type: ignore[arg-type]  # any binary stream
    if best is None:
        raise EncodingProblem(
            "encoding-error", "the text encoding could not be detected; save the file as UTF-8"
        )
    encoding = best.encoding
    if not decodes_cleanly(source, encoding):
        raise EncodingProblem(
            "encoding-error", f'the file does not decode as "{encoding}"; save it as UTF-8'
        )
    return encoding


def iter_utf8(
    source: Source, encoding: str, bom: int, read_size: int = READ_SIZE
) -> Iterator[bytes]:
    """Stream the file as UTF-8 bytes, transcoding piece by piece when needed."""
    if encoding in ("utf-8", "utf-8-sig"):
        # Already checked to be valid UTF-8: hand the bytes through untouched (fast path).
        yield from _iter_bytes(source, skip=bom, read_size=read_size)
        return
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    first = True
    for piece in _iter_bytes(source, read_size=read_size):
        text = decoder.decode(piece)
        if first and text.startswith("\ufeff"):
            text = text[1:]
        first = first and not text
        yield text.encode("utf-8")
    tail = decoder.decode(b"", final=True)
    if tail:
        yield tail.encode("utf-8")
