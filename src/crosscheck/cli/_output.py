"""Listing output shared by every command: --format table|json|csv, --limit."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import Any, TextIO

from rich.console import Console
from rich.table import Table

__all__ = ["Format", "emit_records", "to_json"]


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def to_json(value: Any, indent: int | None = 2) -> str:
    return json.dumps(value, ensure_ascii=False, indent=indent, default=_default)


def _cell(value: Any, width: int | None = None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | dict):
        return to_json(value, indent=None)
    text = str(value)
    if width and len(text) > width:
        return text[: width - 1] + "…"
    return text


def emit_records(rows: Iterable[Mapping[str, Any]], columns: Sequence[str], fmt: Format,
                 *, title: str | None = None, widths: Mapping[str, int] | None = None,
                 out: TextIO | None = None) -> int:
    """Write rows as a table, a JSON array or CSV (streamed); return how many."""
    out = out or sys.stdout
    count = 0
    if fmt is Format.json:
        out.write("[")
        for row in rows:
            out.write(("\n  " if count == 0 else ",\n  ") + to_json(dict(row), indent=None))
            count += 1
        out.write("\n]\n" if count else "]\n")
    elif fmt is Format.csv:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row.get(c)) for c in columns])
            count += 1
    else:
        table = Table(title=title, show_lines=False, header_style="bold")
        for column in columns:
            table.add_column(column, overflow="fold")
        widths = widths or {}
        for row in rows:
            table.add_row(*[_cell(row.get(c), widths.get(c, 60)) for c in columns])
            count += 1
        Console(file=out).print(table)
    out.flush()
    return count
