"""crosscheck sources: the outlet registry (packaged outlets plus the ``outlets_file``)."""

from __future__ import annotations

from typing import Annotated

import typer

from crosscheck.cli._common import FormatOption, LimitOption, app, friendly, settings_from
from crosscheck.cli._output import Format, emit_records
from crosscheck.link.sources import OutletRegistry, select_outlets

__all__ = ["OUTLET_COLUMNS", "sources"]

OUTLET_COLUMNS = ["key", "name", "country", "state_affiliated", "wire", "side", "domains",
                  "aliases"]


@app.command("sources")
@friendly
def sources(
    query: Annotated[str | None, typer.Argument(
        help="Key, name, alias or domain contains this.", show_default=False)] = None,
    wire: Annotated[bool | None, typer.Option(
        "--wire/--no-wire", help="Only wire services (news agencies), or only the others.",
        show_default=False)] = None,
    state: Annotated[bool | None, typer.Option(
        "--state/--no-state", help="Only state-affiliated outlets, or only the others.",
        show_default=False)] = None,
    side: Annotated[str | None, typer.Option(
        help="Ukraine, Russia, international, third country or media.")] = None,
    country: Annotated[str | None, typer.Option(
        help="ISO 3166 alpha-2 country code, e.g. UA.")] = None,
    outlets_file: Annotated[str | None, typer.Option(
        "--outlets-file", help="TOML file extending the registry (setting outlets_file, env "
        "CROSSCHECK_OUTLETS_FILE).", show_default=False)] = None,
    fmt: FormatOption = Format.table,
    limit: LimitOption = None,
) -> None:
    """The outlet registry: country, state affiliation, wire service or not, side, web
    domains and aliases. Two outlets relaying one agency count as one source.

    Example: crosscheck sources --wire --state --format csv
    """
    settings = settings_from(outlets_file=outlets_file)
    registry = OutletRegistry.load(settings.outlets_file or None)
    rows = [o.to_dict() for o in select_outlets(registry, wire=wire, state=state, side=side,
                                                 country=country, query=query)]
    if limit is not None:
        rows = rows[:limit]
    elif fmt is Format.table:
        rows = rows[:50]
    emit_records(rows, OUTLET_COLUMNS, fmt, title=f"outlets (registry {registry.version})"
                 if fmt is Format.table else None,
                 widths={"aliases": 50, "domains": 40})
