"""Property: every file the validator passes is read by the loading reader (TableRows +
typed_text) with every mapped cell typed, the values the partner wrote, and the validator's
row numbers; whatever the delimiter, decimal character, quoting and encoding."""

import csv
import io
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ddms_platform.tabular import TableRows, load_schema, typed_text, validate

CODES = ["RS-KG", "RS-KG-ST", "UA01", "Київ", "Zürich"]
good_value = st.decimals(min_value=-(10**6), max_value=10**6, places=2, allow_nan=False)
cell = st.one_of(good_value, st.sampled_from(["", "x", "1.2.3", "--1"]))
row = st.tuples(st.sampled_from(CODES), st.integers(2000, 2030), st.integers(1, 12), cell)


def _text(value, decimal_char, group):
    if not isinstance(value, Decimal):
        return value
    text = f"{value:,.2f}" if group else f"{value:.2f}"
    return text.replace(",", "_").replace(".", decimal_char).replace("_", " ")


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,  # the same examples on every run (CI)
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    rows=st.lists(row, min_size=1, max_size=30),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    decimal_char=st.sampled_from([".", ","]),
    group=st.booleans(),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1251", "cp1252"]),
    declare=st.booleans(),
)
def test_every_file_that_validates_is_read_typed_by_the_loader(
    rows, delimiter, decimal_char, group, quoting, encoding, declare
):
    if decimal_char == "," and delimiter == "," and quoting == csv.QUOTE_MINIMAL:
        quoting = csv.QUOTE_ALL  # otherwise the file is not a table with that delimiter
    codes = [c for c in CODES if _encodable(c, encoding)]
    rows = [r for r in rows if r[0] in codes] or [(codes[0], 2020, 1, Decimal("1"))]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, quoting=quoting, lineterminator="\n")
    writer.writerow(["district", "month", "value"])
    for code, year, month, value in rows:
        writer.writerow([code, f"{month:02d}.{year}", _text(value, decimal_char, group)])
    data = out.getvalue().encode(encoding)
    number = {"name": "value", "type": "number", "decimalChar": decimal_char}
    if group:
        number["groupChar"] = " "
    schema = {
        "fields": [
            {"name": "district"},
            {"name": "month", "type": "date", "format": "%m.%Y"},
            number,
        ]
    }
    dialect = {"delimiter": delimiter} if declare else None
    report = validate(io.BytesIO(data), schema, dialect=dialect)
    if not report["valid"]:
        assert report["error_counts"].keys() <= {"type-error"}  # only the bad cells drawn
        return
    table = TableRows(io.BytesIO(data), dialect=dialect)
    fields = {f.name: f for f in load_schema(schema).fields}
    assert table.labels == ["district", "month", "value"]
    read = []
    for numbers, columns in table.chunks():
        cells = [c.to_pylist() for c in columns]
        for n, district, month, value in zip(numbers, *cells, strict=True):
            typed = [
                typed_text(fields[k], v)
                for k, v in (("district", district), ("month", month), ("value", value))
            ]
            assert None not in typed
            read.append((int(n), *typed))
    assert [r[0] for r in read] == list(range(2, len(rows) + 2))
    for (code, year, month, value), (_, district, date, number_text) in zip(
        rows, read, strict=True
    ):
        assert district == code
        assert date == f"{year:04d}-{month:02d}-01"
        assert (number_text == "") if value == "" else Decimal(number_text) == value


def _encodable(text, encoding):
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def test_rows_come_once_each_when_the_fast_reader_gives_up_half_way():
    import pyarrow as pa

    from ddms_platform.tabular.reader import Chunk, RaggedRows

    def chunk(start, stop):
        return Chunk(start + 1, [pa.array([str(i) for i in range(start, stop)])])

    class Source:
        labels = ["id"]
        encoding = "utf-8"

        def chunks(self, exact=False):
            if exact:  # the exact reader cuts the file differently
                yield chunk(1, 4)
                yield chunk(4, 9)
                yield chunk(9, 11)
                return
            yield chunk(1, 3)
            yield chunk(3, 6)
            raise RaggedRows()  # the fast reader met a ragged row after 5 rows

    table = TableRows.__new__(TableRows)
    table._table = Source()
    numbers, ids = [], []
    for row_numbers, columns in table.chunks():
        numbers.extend(int(n) for n in row_numbers)
        ids.extend(columns[0].to_pylist())
    assert ids == [str(i) for i in range(1, 11)]
    assert numbers == list(range(2, 12))
