"""Write docs/schema.md from the store's tables (SQLAlchemy metadata), so the schema that
people open in their own SQLite tools is documented from the code itself.

    .venv/bin/python scripts/schema_doc.py        # rewrites docs/schema.md
"""

from __future__ import annotations

import sys
from pathlib import Path

from crosscheck.store import schema
from crosscheck.store.migrations import MIGRATIONS, VIEWS

OUT = Path(__file__).resolve().parents[1] / "docs" / "schema.md"


def render() -> str:
    lines = ["# The store's schema", "",
             "Generated from `src/crosscheck/store/schema.py` by `scripts/schema_doc.py`; "
             "a test keeps it current. Every table is created by a named migration ("
             + ", ".join(f"`{name}`" for name, _ in MIGRATIONS) + "); foreign keys are "
             "declared (SQLite enforces them: `PRAGMA foreign_keys=ON`).", ""]
    for table in schema.metadata.sorted_tables:
        lines += [f"## `{table.name}`", "", "| column | type | key | meaning |",
                  "|---|---|---|---|"]
        for column in table.columns:
            keys = []
            if column.primary_key:
                keys.append("PK")
            keys += [f"→ `{fk.target_fullname}`" for fk in column.foreign_keys]
            meaning = (column.comment or "").replace("|", "\\|")
            lines.append(f"| `{column.name}` | {column.type} | {' '.join(keys)} | {meaning} |")
        lines.append("")
    lines += ["## Views", "", "Facts joined with their article's outlet, date and URL, for "
              "people who open the file in their own tools:", ""]
    lines += [f"- `{name}`: `{body}`" for name, body in VIEWS.items()]
    lines += ["", "SQLite also holds `articles_fts`, an FTS5 index over titles and texts "
              "(PostgreSQL: a generated `search` tsvector column).", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    OUT.write_text(render(), encoding="utf-8")
    sys.stdout.write(f"wrote {OUT}\n")
