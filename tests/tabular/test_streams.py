"""The engine reads a binary stream (a file opened from storage) exactly as it reads a path."""

from __future__ import annotations

import io

from ddms_platform import tabular

SCHEMA = {
    "fields": [
        {"name": "district", "type": "string"},
        {"name": "customers", "type": "integer", "constraints": {"minimum": 0}},
    ]
}


class OneWayStream(io.RawIOBase):
    """Like an S3 object's body: readable front to back, never seekable, with a name."""

    def __init__(self, data: bytes, name: str) -> None:
        self._data = io.BytesIO(data)
        self.name = name
        self.reads = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        self.reads += 1
        return self._data.readinto(buffer)


def test_a_stream_gives_the_same_report_as_the_path(write):
    rows = "".join(f"Центар {i},{-1 if i % 1000 == 0 else i}\n" for i in range(80_000))
    content = ("district,customers\n" + rows).encode("cp1251")
    stream = OneWayStream(content, "submissions/2026/data.csv")
    from_stream = tabular.validate(stream, SCHEMA, chunk_rows=5_000)
    assert from_stream == tabular.validate(write(content), SCHEMA, chunk_rows=5_000)
    assert from_stream["stats"]["encoding"] == "cp1251"
    assert from_stream["error_counts"] == {"constraint-error": 80}
    assert len(content) > 1 << 20 and stream.reads >= 3  # copied in chunks, not in one read


def test_a_workbook_stream_is_read_by_its_names_extension():
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(["district", "customers"])
    workbook.active.append(["Centar", 3])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = tabular.validate(OneWayStream(buffer.getvalue(), "data.xlsx"), SCHEMA)
    assert report["valid"] is True and report["stats"]["format"] == "xlsx"
