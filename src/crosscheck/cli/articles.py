"""crosscheck articles | show | summary"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.console import Console
from rich.text import Text

from crosscheck.cli._common import DbOption, FormatOption, LimitOption, app, friendly, settings_from
from crosscheck.cli._output import Format, emit_records, to_json
from crosscheck.errors import CrosscheckError
from crosscheck.store import open_store

LIST_COLUMNS = ["id", "published", "outlet", "title", "format", "url"]


@app.command("articles")
@friendly
def articles_command(
    query: Annotated[list[str] | None, typer.Argument(help="Full-text search words (all must "
                                                           "occur).")] = None,
    outlet: Annotated[str | None, typer.Option(help="Only this outlet.")] = None,
    since: Annotated[str | None, typer.Option(help="Published on or after YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option(help="Published on or before YYYY-MM-DD.")] = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
    limit: LimitOption = None,
) -> None:
    """List stored articles, newest first, or search them.

    Example: crosscheck articles Azovstal --since 2022-04-01 --format csv
    """
    settings = settings_from(db=db)
    if fmt is Format.table and limit is None:
        limit = 50
    with open_store(settings.db, create=False) as store:
        rows = store.iter_articles(query=" ".join(query) if query else None, outlet=outlet,
                                   since=since, until=until, limit=limit)
        emit_records(rows, LIST_COLUMNS, fmt, widths={"title": 70, "url": 50, "outlet": 24})


@app.command("show")
@friendly
def show_command(
    article_id: Annotated[str, typer.Argument(help="Article id (a unique prefix is enough).")],
    removed: Annotated[bool, typer.Option("--removed", help="Also list the boilerplate "
                                          "cleaning removed, with the rule and raw offsets.")]
    = False,
    db: DbOption = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="table or json.")] = Format.table,
) -> None:
    """Print one article: metadata, sightings, the analysed text (and what was removed)."""
    settings = settings_from(db=db)
    with open_store(settings.db, create=False) as store:
        row = store.get_article(article_id)
        facts = store.facts(row["id"]) if row is not None else {}
    if row is None:
        raise CrosscheckError(f"{article_id}: no such article (or the prefix is ambiguous)")
    record: dict[str, Any] = {k: row[k] for k in ("id", "url", "outlet", "title", "published",
                                                  "date_source", "text", "format", "locator")}
    record["sightings"] = row["sightings"]
    record["processed_version"] = row["processed_version"]
    record["facts"] = facts
    if removed:
        record["removed"] = row["removed"]
    if fmt is not Format.table:
        typer.echo(to_json(record))
        return
    out = Console(highlight=False)
    out.print(Text(record["title"] or "(untitled)", style="bold"))
    meta = [f"id {record['id']}", f"outlet {record['outlet'] or '?'}",
            f"published {record['published'] or 'undated'}"
            + (f" ({record['date_source']})" if record["date_source"] else ""),
            f"format {record['format']}"]
    out.print(" · ".join(meta), style="dim")
    for sighting in record["sightings"]:
        out.print(f"seen at {sighting['key']}", style="dim", markup=False)
    out.print()
    out.print(Text(record["text"]))
    _print_facts(out, facts, row["processed_version"])
    if removed:
        out.print()
        out.print(Text(f"Removed by cleaning ({len(row['removed'])} spans):", style="bold"))
        for span in row["removed"]:
            out.print(Text(f"  [{span['start']}:{span['end']}] {span['rule']}: ", style="dim")
                      + Text(span["text"].strip()))


@app.command("summary")
@friendly
def summary_command(db: DbOption = None,
                    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.table) -> None:
    """A report of what the store holds: articles, outlets, formats, dates."""
    settings = settings_from(db=db)
    with open_store(settings.db, create=False) as store:
        summary = store.summary()
    if fmt is not Format.table:
        typer.echo(to_json(summary))
        return
    typer.echo(f"{summary['articles']} articles ({summary['sightings']} sightings) from "
               f"{len(summary['outlets'])} outlets, {summary['first'] or '?'} to "
               f"{summary['last'] or '?'}; {summary['undated']} undated; boilerplate removed "
               f"from {summary['articles_with_boilerplate_removed']}.")
    typer.echo("formats: " + ", ".join(f"{k} {v}" for k, v in summary["formats"].items()))
    facts = summary["facts"]
    typer.echo(f"processed {summary['processed']} of {summary['articles']}: "
               f"{facts['statements']} statements ({facts['denials']} denials), "
               f"{facts['quantities']} figures, {facts['entities']} entities "
               f"({facts['mentions']} mentions)")
    emit_records(summary["outlets"], ["outlet", "articles"], Format.table)


def _print_facts(out: Console, facts: dict[str, list[dict[str, Any]]],
                 version: str | None) -> None:
    if version is None:
        out.print()
        out.print("(not processed yet: run `crosscheck process`)", style="dim")
        return
    out.print()
    out.print(Text(f"Statements ({len(facts['statements'])})", style="bold"))
    for s in facts["statements"]:
        who = s["speaker_name"] or "(unattributed)"
        if s["speaker_text"] and s["speaker_text"] != s["speaker_name"]:
            who += f" [{s['speaker_text']}]"
        side = f" ({s['speaker_side']})" if s["speaker_side"] else ""
        extra = ", ".join(x for x in (s["channel"], s["date"], s["intermediary"] and
                                      f"via {s['intermediary']}") if x)
        out.print(Text(f"  {s['stance'].upper() if s['stance'] == 'denies' else ''}"
                       f"[{s['kind']}] {who}{side} {s['cue_text'] or '—'}: ", style="cyan")
                  + Text(s["content_text"][:300])
                  + Text(f"  ({extra})" if extra else "", style="dim"))
    out.print(Text(f"Figures ({len(facts['quantities'])})", style="bold"))
    for q in facts["quantities"]:
        value = q["value"] if q["value"] is not None else f"{q['low']}–{q['high']}"
        details = ", ".join(str(x) for x in (q["qualifier"], q["counted"], q["place"],
                                              q["as_of"] and f"as of {q['as_of']}",
                                              q["speaker"] and f"by {q['speaker']}",
                                              q["hedged"] and "hedged") if x)
        out.print(Text(f"  {q['text']} = {value}  ", style="green") + Text(details, style="dim"))
    names = sorted({(m["type"], m["text"]) for m in facts["mentions"]})
    out.print(Text(f"Entities ({len(names)} distinct mentions)", style="bold"))
    out.print("  " + "; ".join(f"{t}: {n}" for t, n in names), markup=False)
    out.print(Text(f"Events ({len(facts['events'])})", style="bold"))
    for e in facts["events"]:
        parts = [e["actor_name"] or e["actor_text"], e["sub_event_type"],
                 e["target_name"] or e["target_text"],
                 e["location_name"] and f"at {e['location_name']}", e["date"]]
        out.print(Text(f"  [{e['status']}] ", style="magenta")
                  + Text(" · ".join(str(p) for p in parts if p)))
    out.print(Text(f"Dates ({len(facts['dates'])})", style="bold"))
    out.print("  " + "; ".join(f"{d['text']} = {d['value'] or '?'} ({d['precision']})"
                               for d in facts["dates"]), markup=False)
