"""Read initiative files (CSV, XLSX, GeoJSON) into one table with canonical column names.

Reading does not judge values (that is `ingest.validate`): it decodes the file, finds its header,
maps the source column names (FR/NL/EN, OSM tags) onto canonical names, and refuses files it cannot
read with an `InputFileError` that names the file, row, field and reason. It never drops a row:
empty rows are kept (as all-None rows) so that `validate` can count them.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import openpyxl
import pandas as pd

from core.errors import InputFileError
from ingest.columns import CANONICAL_COLUMNS, ColumnReport, account, alias_rank, map_headers

MAX_FIELD_CHARS = 1_000_000  # one cell; anything larger is not an initiative record
SNIFF_BYTES = 64 * 1024
HEADER_SEARCH_ROWS = 10  # a title or notes may sit above the header
DELIMITERS = (";", ",", "\t")

# A UTF-8 multi-byte sequence: its presence shows a file is meant as UTF-8, not Windows-1252.
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


@dataclass
class RawTable:
    """A file read as text, one row per data row.

    `frame` holds the canonical columns that were found (values str or None) and `source_row`,
    the 1-based data-row number: the first row after the header is 1 (for GeoJSON, the feature
    number). For GeoJSON point features `x`/`y` hold the geometry's lon/lat.
    `columns` maps each recognised source header to its canonical name; `unmapped` lists the others.
    `crs` holds the coordinate system a header or a CRS column names, per coordinate field
    ({"x": "Lambert 72"}); `report` says what became of every column.
    """

    frame: pd.DataFrame
    columns: dict[str, str]
    unmapped: list[str]
    crs: dict[str, str] = field(default_factory=dict)
    report: ColumnReport = field(default_factory=ColumnReport)
    encoding: str = ""
    delimiter: str = ""
    path: Path | None = None
    sheet: str = ""


def read_table(path: Path, column_map: dict[str, str] | None = None) -> RawTable:
    """Read a CSV, XLSX or GeoJSON file of initiatives; the format is told by its content, not its name.

    `column_map` ({source header: canonical name}) overrides the automatic header mapping.
    Raises `InputFileError` for a binary, empty or undecodable file, a file without recognisable
    columns, a row with more fields than the header, or a field above `MAX_FIELD_CHARS`.
    """
    path = Path(path)
    for target in (column_map or {}).values():
        if target not in CANONICAL_COLUMNS:
            raise InputFileError(path, f"column_map target {target!r} is not one of {', '.join(CANONICAL_COLUMNS)}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputFileError(path, f"cannot be read ({exc.strerror or exc})") from exc
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise InputFileError(path, "the file is empty")
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(path, data, column_map)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputFileError(path, "an old Excel (.xls) workbook: save it as .xlsx or CSV")
    text, encoding = decode(path, data)
    if text.lstrip().startswith("{"):
        return _read_geojson(path, text, encoding, column_map)
    return _read_csv(path, text, encoding, column_map)


def decode(path: Path, data: bytes) -> tuple[str, str]:
    """UTF-16 (with BOM), UTF-8 (with or without BOM) or Windows-1252, refusing binary data."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise _encoding_error(path, data, exc.start, "invalid UTF-16") from exc
    nul = data.find(b"\x00", 0, SNIFF_BYTES)
    if nul >= 0:
        raise InputFileError(path, f"binary file (NUL byte at byte offset {nul}): expected CSV, XLSX or GeoJSON")
    try:
        return data.decode("utf-8-sig"), "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    except UnicodeDecodeError as exc:
        if _UTF8_MULTIBYTE.search(data):
            raise _encoding_error(
                path,
                data,
                exc.start,
                f"invalid UTF-8 byte 0x{data[exc.start]:02x} at byte offset {exc.start}: correct it or save the"
                " file as UTF-8 again",
            ) from exc
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        reason = (
            f"byte 0x{data[exc.start]:02x} at byte offset {exc.start} is neither UTF-8 nor Windows-1252:"
            " save the file as UTF-8"
        )
        raise _encoding_error(path, data, exc.start, reason) from exc


def _encoding_error(path: Path, data: bytes, offset: int, reason: str) -> InputFileError:
    """The error for a bad byte, naming its data row and, for delimited text, its column.

    The row is the line number minus the header (exact unless a quoted field spans lines).
    """
    line_start = data.rfind(b"\n", 0, offset) + 1
    row = data.count(b"\n", 0, offset)
    header = data[: data.find(b"\n")] if b"\n" in data else data
    delimiter = max(DELIMITERS, key=lambda d: header.count(d.encode()))
    names = header.decode("utf-8", "replace").strip("\ufeff\r").split(delimiter)
    column = data.count(delimiter.encode(), line_start, offset)
    field_name = names[column].strip() if column < len(names) else None
    return InputFileError(path, reason, row=row, field=field_name)


def sniff_delimiter(header_line: str) -> str:
    """The delimiter that splits the header most often (quoted text ignored); ';' wins ties and one-column files."""
    unquoted = re.sub(r'"[^"]*"', "", header_line)
    return max(DELIMITERS, key=lambda d: (unquoted.count(d), d == ";"))


def _header_cells(line: str) -> list[str]:
    return next(csv.reader([line.rstrip("\r")], delimiter=sniff_delimiter(line)), [])


def _read_csv(path: Path, text: str, encoding: str, column_map: dict[str, str] | None) -> RawTable:
    """The header is the first of the first lines that has a recognisable column (titles may sit above it)."""
    text = text.lstrip("\r\n")
    lines = text.split("\n", HEADER_SEARCH_ROWS)[:HEADER_SEARCH_ROWS]
    skip = next((i for i, line in enumerate(lines) if map_headers(_header_cells(line), column_map)), 0)
    delimiter = sniff_delimiter(lines[skip])
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            skiprows=skip,
            dtype=object,
            keep_default_na=False,
            skip_blank_lines=False,
            engine="c",
        )
    except pd.errors.ParserError as exc:
        ragged = re.search(r"line (\d+), saw (\d+)", str(exc))
        unclosed = re.search(r"EOF inside string starting at row (\d+)", str(exc))
        if ragged:
            row, reason = int(ragged.group(1)) - 1 - skip, f"more fields than the header has ({ragged.group(2)})"
        elif unclosed:
            row, reason = int(unclosed.group(1)), "a quote opened here is never closed"
        else:
            row, reason = None, f"unreadable CSV ({exc})"
        raise InputFileError(path, f"{reason}: check the delimiter {delimiter!r} and quotes", row=row) from exc
    frame.columns = [str(c) for c in frame.columns]
    return _finish(path, frame, encoding, delimiter, column_map, long_text=len(text) > MAX_FIELD_CHARS)


def cell_text(value: object) -> str | None:
    """An XLSX cell as the text a person sees: 12.0 -> '12', dates in ISO 8601, empty -> None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and math.isfinite(value) else repr(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def _xlsx_sheet(
    book: openpyxl.Workbook, column_map: dict[str, str] | None
) -> tuple[str, list[str], list[list[str | None]]] | None:
    """(sheet title, header, data rows) of the first sheet with a recognisable header among its first
    non-empty rows; else the first non-empty sheet with its first row as header (refused later)."""
    fallback: tuple[str, list[str], list[list[str | None]]] | None = None
    for sheet in book.worksheets:
        rows = sheet.iter_rows(values_only=True)
        seen = 0
        for row in rows:
            if not any(v is not None and str(v).strip() for v in row):
                continue
            names = [cell_text(v) or f"column {i + 1}" for i, v in enumerate(row)]
            if map_headers(names, column_map):
                return sheet.title, names, [[cell_text(v) for v in r[: len(names)]] for r in rows]
            fallback = fallback or (sheet.title, names, [])
            seen += 1
            if seen == HEADER_SEARCH_ROWS:
                break
    return fallback


def _read_xlsx(path: Path, data: bytes, column_map: dict[str, str] | None) -> RawTable:
    """The first sheet with a recognisable header, which may sit below a few title rows."""
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputFileError(path, f"a ZIP file that is not a readable XLSX workbook ({exc})") from exc
    try:
        chosen = _xlsx_sheet(book, column_map)
    finally:
        book.close()
    if chosen is None:
        raise InputFileError(path, "the workbook has no non-empty sheet")
    title, names, rows = chosen
    while rows and all(v is None for v in rows[-1]):
        rows.pop()  # spreadsheets carry formatted but empty trailing rows: not data rows
    frame = pd.DataFrame(rows, columns=names, dtype=object) if rows else pd.DataFrame(columns=names, dtype=object)
    table = _finish(path, frame, "xlsx", "", column_map, long_text=True)
    table.sheet = title
    return table


def _read_geojson(path: Path, text: str, encoding: str, column_map: dict[str, str] | None) -> RawTable:
    """A FeatureCollection: properties become columns, a point geometry fills x/y (lon/lat)."""
    try:
        collection = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputFileError(path, f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from exc
    features = collection.get("features") if isinstance(collection, dict) else None
    if collection.get("type") != "FeatureCollection" or not isinstance(features, list):
        raise InputFileError(path, "JSON that is not a GeoJSON FeatureCollection")
    properties = []
    for number, feature in enumerate(features, start=1):
        props = dict(feature.get("properties") or {}) if isinstance(feature, dict) else {}
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        if geometry and geometry.get("type") == "Point" and len(geometry.get("coordinates") or ()) >= 2:
            props["x"], props["y"] = geometry["coordinates"][:2]
        elif geometry:
            reason = f"geometry type {geometry.get('type')!r}: only points are supported"
            raise InputFileError(path, reason, row=number, field="geometry")
        properties.append(props)
    frame = pd.DataFrame.from_records(properties)
    frame = frame.astype(object).where(frame.notna(), None).map(lambda v: None if v is None else _json_text(v))
    return _finish(path, frame, encoding, "", column_map, long_text=len(text) > MAX_FIELD_CHARS)


def _json_text(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value) if isinstance(value, list | dict) else str(value)


def _finish(
    path: Path,
    frame: pd.DataFrame,
    encoding: str,
    delimiter: str,
    column_map: dict[str, str] | None,
    long_text: bool,
) -> RawTable:
    """Map the headers, coalesce columns sharing a canonical name, check field sizes, number the rows."""
    headers = list(frame.columns)
    mapping = map_headers(headers, column_map)
    if not mapping:
        shown = ", ".join(repr(h) for h in headers[:12])
        reason = (
            f"no recognisable column among {shown}: expected e.g. nom/naam/name, adresse/adres/address, "
            "lat/lon or x/y (or pass a column map)"
        )
        raise InputFileError(path, reason, row=0)
    if long_text:
        _check_field_sizes(path, frame)
    mapping, crs, report = account(frame, mapping, column_map)
    columns: dict[str, pd.Series] = {}
    ranked = sorted(mapping, key=lambda h: alias_rank(h, column_map))
    for header in ranked:
        values = frame[header].astype(object)
        values = values.where(values.notna() & (values != ""), None)
        target = mapping[header]
        if target not in columns:
            columns[target] = values
        elif target == "category":
            both = columns[target].notna() & values.notna()
            columns[target] = (
                columns[target].where(columns[target].notna(), values).where(~both, columns[target] + "; " + values)
            )
        else:
            columns[target] = columns[target].where(columns[target].notna(), values)
    in_header_order = dict.fromkeys(mapping[h] for h in headers if h in mapping)
    result = pd.DataFrame({name: columns[name] for name in in_header_order}, index=frame.index)
    result["source_row"] = range(1, len(frame) + 1)
    return RawTable(
        frame=result.reset_index(drop=True),
        columns=mapping,
        unmapped=[h for h in headers if h not in mapping],
        crs=crs,
        report=report,
        encoding=encoding,
        delimiter=delimiter,
        path=path,
    )


def _check_field_sizes(path: Path, frame: pd.DataFrame) -> None:
    """Refuse the file at its first field above `MAX_FIELD_CHARS` (no initiative needs one)."""
    for header in frame.columns:
        lengths = frame[header].str.len().fillna(0).to_numpy()
        if len(lengths) and lengths.max() > MAX_FIELD_CHARS:
            row = int(lengths.argmax()) + 1
            reason = f"field of {int(lengths.max()):,} characters, above the limit of {MAX_FIELD_CHARS:,}"
            raise InputFileError(path, reason, row=row, field=str(header))
