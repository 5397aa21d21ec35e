"""The outputs of a batch, written from records (:mod:`jixiao.batch.records`) in a stream, so memory
stays bounded whatever the number of reports:

* ``.parquet`` (pyarrow): ``NAME.parquet`` one row per report, and ``NAME_metrics.parquet``,
  ``NAME_items.parquet``, ``NAME_findings.parquet``, ``NAME_projects.parquet``; written in row
  groups; money and rates as exact ``decimal128`` (38 digits, 10 after the point), counts as int64;
* ``.csv``: the same files as .csv (UTF-8 with BOM, which Excel on Chinese Windows reads), values as
  written in the record (exact decimals);
* ``.xlsx`` (XlsxWriter, constant memory): one sheet a table with Chinese headers, the header row
  frozen; a table longer than a sheet goes on in ``名称_2`` …;
* ``.jsonl``: one JSON object per report with its long tables nested, decimals exact.

Every table starts with the report's ``source`` and ``sha256``.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import Any

from jixiao.batch.records import KEY_COLUMNS, TABLES
from jixiao.jsonout import dumps

FORMATS = (".parquet", ".csv", ".xlsx", ".jsonl")
SHEET_NAMES = {"reports": "报告", "metrics": "绩效指标", "items": "项目明细", "findings": "审核发现",
               "projects": "项目自评表"}
XLSX_MAX_ROWS = 1_048_576
_SCALE = Decimal(1).scaleb(-10)


def columns(table: str) -> list[tuple[str, str, str]]:
    """The columns of an output table (the key columns first)."""
    return [*KEY_COLUMNS, *TABLES[table]]


def table_paths(out: Path) -> dict[str, Path]:
    """The file of each table for a .parquet or .csv output ``out``."""
    return {t: out if t == "reports" else out.with_name(f"{out.stem}_{t}{out.suffix}") for t in TABLES}


def _rows(record: dict[str, Any], table: str) -> list[list]:
    if table == "reports":
        row = record["row"]
        return [[row.get(name) for name, _, _ in TABLES["reports"]]]
    return record.get(table) or []


def _value(kind: str, v: Any) -> Any:
    """A record's value as its column's type: Decimal (at most 10 places), int, float, bool or text."""
    if v is None or v == "":
        return None
    if kind == "decimal":
        d = Decimal(str(v))
        return d.quantize(_SCALE) if d.as_tuple().exponent < -10 else d
    if kind == "int":
        return int(Decimal(str(v)))
    if kind == "float":
        return float(v)
    return v


class _Parquet:
    def __init__(self, out: Path, batch_rows: int = 5000):
        import pyarrow as pa  # optional: loaded only to write .parquet (CLI start-up)

        self._pa = pa
        self.batch_rows = batch_rows
        types = {"text": pa.string(), "int": pa.int64(), "decimal": pa.decimal128(38, 10),
                 "float": pa.float64(), "bool": pa.bool_()}
        self._schemas = {t: pa.schema([(n, types[k]) for n, k, _ in columns(t)]) for t in TABLES}
        self._paths = table_paths(out)
        self._writers: dict[str, Any] = {}
        self._buffers: dict[str, list[list]] = {t: [] for t in TABLES}

    def add(self, source: str, sha256: str | None, record: dict[str, Any]) -> None:
        for t in TABLES:
            buf = self._buffers[t]
            buf.extend([source, sha256, *r] for r in _rows(record, t))
            if len(buf) >= self.batch_rows:
                self._flush(t)

    def _flush(self, t: str) -> None:
        pa, schema, buf = self._pa, self._schemas[t], self._buffers[t]
        arrays = []
        for i, (name, kind, _) in enumerate(columns(t)):
            values = [_value(kind, r[i]) for r in buf]
            arrays.append(pa.array(values, type=schema.field(name).type))
        if t not in self._writers:
            import pyarrow.parquet as pq  # optional: loaded only to write .parquet

            self._writers[t] = pq.ParquetWriter(self._paths[t], schema, compression="zstd")
        self._writers[t].write_table(pa.Table.from_arrays(arrays, schema=schema))
        buf.clear()

    def close(self) -> None:
        for t in TABLES:
            if self._buffers[t] or t not in self._writers:
                self._flush(t)  # an empty table is still written, with its columns
            self._writers[t].close()


class _Csv:
    def __init__(self, out: Path):
        self._files = {t: p.open("w", encoding="utf-8-sig", newline="") for t, p in table_paths(out).items()}
        self._writers = {t: csv.writer(f) for t, f in self._files.items()}
        for t, w in self._writers.items():
            w.writerow([n for n, _, _ in columns(t)])

    def add(self, source: str, sha256: str | None, record: dict[str, Any]) -> None:
        for t, w in self._writers.items():
            for r in _rows(record, t):
                w.writerow([source, sha256 or "", *("" if v is None else v for v in r)])

    def close(self) -> None:
        for f in self._files.values():
            f.close()


class _Jsonl:
    def __init__(self, out: Path):
        self._file = out.open("w", encoding="utf-8")

    def add(self, source: str, sha256: str | None, record: dict[str, Any]) -> None:
        obj: dict[str, Any] = {"source": source, "sha256": sha256}
        obj.update(_typed(TABLES["reports"], _rows(record, "reports")[0]))
        for t in TABLES:
            if t != "reports":
                obj[t] = [_typed(TABLES[t], r) for r in _rows(record, t)]
        self._file.write(dumps(obj) + "\n")

    def close(self) -> None:
        self._file.close()


def _typed(cols: list[tuple[str, str, str]], row: list) -> dict[str, Any]:
    return {name: _value(kind, v) for (name, kind, _), v in zip(cols, row, strict=True)}


class _Xlsx:
    def __init__(self, out: Path):
        import xlsxwriter  # optional: loaded only to write .xlsx (CLI start-up)

        self._book = xlsxwriter.Workbook(str(out), {"constant_memory": True, "strings_to_numbers": False,
                                                    "strings_to_formulas": False, "strings_to_urls": False})
        self._bold = self._book.add_format({"bold": True})
        self._sheets: dict[str, Any] = {}
        self._row: dict[str, int] = {}
        self._parts: dict[str, int] = {}
        for t in TABLES:
            self._new_sheet(t)

    def _new_sheet(self, t: str) -> None:
        part = self._parts.get(t, 0) + 1
        self._parts[t] = part
        ws = self._book.add_worksheet(SHEET_NAMES[t] if part == 1 else f"{SHEET_NAMES[t]}_{part}")
        ws.write_row(0, 0, [label for _, _, label in columns(t)], self._bold)
        ws.freeze_panes(1, 0)
        self._sheets[t], self._row[t] = ws, 1

    def add(self, source: str, sha256: str | None, record: dict[str, Any]) -> None:
        for t in TABLES:
            kinds = [k for _, k, _ in columns(t)]
            for r in _rows(record, t):
                if self._row[t] >= XLSX_MAX_ROWS:
                    self._new_sheet(t)
                ws, n = self._sheets[t], self._row[t]
                for c, (kind, v) in enumerate(zip(kinds, [source, sha256, *r], strict=True)):
                    v = _value(kind, v)
                    if v is None:
                        continue
                    if kind in ("decimal", "float", "int"):
                        ws.write_number(n, c, float(v))
                    elif kind == "bool":
                        ws.write_string(n, c, "是" if v else "否")
                    else:
                        ws.write_string(n, c, str(v))
                self._row[t] = n + 1

    def close(self) -> None:
        self._book.close()


_WRITERS = {".parquet": _Parquet, ".csv": _Csv, ".xlsx": _Xlsx, ".jsonl": _Jsonl}


def check_format(out: Path) -> None:
    """ValueError (Chinese message) unless ``out`` has one of the :data:`FORMATS`."""
    if out.suffix.lower() not in _WRITERS:
        raise ValueError(f"不支持的输出格式（{out.suffix or '无扩展名'}），可用 {'、'.join(FORMATS)}")


def writer(out: Path):
    """A writer for ``out`` by its suffix (:data:`FORMATS`): ``add(source, sha256, record)`` then ``close()``."""
    check_format(out)
    return _WRITERS[out.suffix.lower()](out)


def write_errors(path: Path, errors: list[tuple[str, str | None, str]]) -> None:
    """The errors file: one row per file that could not be analysed (source, sha256, 原因)."""
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(["source", "sha256", "原因"])
        for source, sha, reason in errors:
            w.writerow([source, sha or "", reason])

