"""crosscheck eval [attribution|ner|events] — quality on the public gold sets."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from crosscheck.bench import default_data_dir
from crosscheck.cli._common import app, err, friendly, settings_from
from crosscheck.cli._output import Format, to_json

eval_app = typer.Typer(
    help="Score the extractors on the gold sets in ../shared/data with the pipeline "
    "`process` runs, beside baselines run in the same command. Without a subcommand, "
    "every evaluation runs on its gate split. Exits 0 whenever it ran, unless --gate finds "
    "a regression.", invoke_without_command=True)
app.add_typer(eval_app, name="eval")

DataOption = Annotated[Path | None, typer.Option(
    "--data", help="Folder of the gold sets [default ../shared/data].")]
GateOption = Annotated[bool, typer.Option(
    "--gate", help="Fail (exit 1) when a number falls below its floor in eval/floors.json.")]
FmtOption = Annotated[Format, typer.Option("--format", "-f", help="table or json.")]


def _show(task: str, report: dict[str, Any], fmt: Format) -> None:
    if fmt is not Format.table:
        typer.echo(to_json(report))
        return
    typer.echo(f"== {task}: {report.get('dataset')} {report.get('split')} "
               f"({report.get('articles') or report.get('documents')} documents)")
    for system, values in report.items():
        if not isinstance(values, dict):
            continue
        typer.echo(f"  {system}")
        for key, value in values.items():
            if isinstance(value, dict):
                shown = ", ".join(f"{k} {v}" for k, v in value.items())
                typer.echo(f"    {key:<28} {shown}")
            else:
                typer.echo(f"    {key:<28} {value}")


def _gate(task: str, report: dict[str, Any], gate: bool) -> bool:
    if not gate:
        return True
    from crosscheck.eval.gate import check

    failures = check(task, report)
    for line in failures:
        err.print(f"[red]regression:[/red] {line}")
    if not failures:
        err.print(f"gate: {task} holds its floors")
    return not failures


@eval_app.callback()
@friendly
def eval_all(ctx: typer.Context, data: DataOption = None, gate: GateOption = False,
             fmt: FmtOption = Format.table) -> None:
    if ctx.invoked_subcommand is not None:
        return
    ok = True
    for task in ("attribution", "ner", "events"):
        ok &= _run(task, data, None, gate, fmt, None, None)
    raise typer.Exit(0 if ok else 1)


def _run(task: str, data: Path | None, split: str | None, gate: bool, fmt: Format,
         predictions: Path | None, limit: int | None) -> bool:
    from crosscheck.eval.gate import load_floors

    settings = settings_from()
    data_dir = data or default_data_dir()
    split = split or load_floors()[task]["split"]
    if task == "attribution":
        from crosscheck.eval.attribution import evaluate_attribution

        report = evaluate_attribution(data_dir, split, model=settings.spacy_model,
                                      predictions=predictions, limit=limit)
    elif task == "events":
        from crosscheck.eval.events import evaluate_events

        report = evaluate_events(data_dir, split, model=settings.spacy_model, limit=limit)
    else:
        from crosscheck.eval.ner import evaluate_ner

        report = evaluate_ner(data_dir, split, model=settings.spacy_model, limit=limit)
    if task == "events" and fmt is Format.table:
        for name, section in report.items():
            if isinstance(section, dict) and "crosscheck" in section:
                _show(f"events/{name}", section, fmt)
        typer.echo(f"  seconds: {report['seconds']}")
    else:
        _show(task, report, fmt)
    return _gate(task, report, gate and split == load_floors()[task]["split"])


@eval_app.command("attribution")
@friendly
def eval_attribution(
    split: Annotated[str | None, typer.Option(help="train, dev or test [default dev].")] = None,
    predictions: Annotated[Path | None, typer.Option(
        help="Write our predictions here as JSONL in PolNeAR's own shape.")] = None,
    limit: Annotated[int | None, typer.Option(help="First N articles only.")] = None,
    data: DataOption = None, gate: GateOption = False, fmt: FmtOption = Format.table,
) -> None:
    """Attribution (source, cue, content; speaker accuracy) on PolNeAR, scored with
    ../shared/tools/score_attribution.py.

    Example: crosscheck eval attribution --split test --predictions pred.jsonl
    """
    raise typer.Exit(0 if _run("attribution", data, split, gate, fmt, predictions, limit)
                     else 1)


@eval_app.command("ner")
@friendly
def eval_ner(
    split: Annotated[str | None, typer.Option(
        help="testa (tuning), testb (report) or conllpp [default testa].")] = None,
    limit: Annotated[int | None, typer.Option(help="First N documents only.")] = None,
    data: DataOption = None, gate: GateOption = False, fmt: FmtOption = Format.table,
) -> None:
    """Named entities on CoNLL-2003 (PER/ORG/LOC; MISC apart) beside the bare pipeline."""
    raise typer.Exit(0 if _run("ner", data, split, gate, fmt, None, limit) else 1)


@eval_app.command("events")
@friendly
def eval_events(
    split: Annotated[str | None, typer.Option(
        help="tuning (odd ids; ECB+ dev topics: the default, and the split --gate checks) "
        "or reporting (even ids; ECB+ test topics: the README's numbers).")] = None,
    limit: Annotated[int | None, typer.Option(
        min=1, help="First N snippets/documents of each data set only.")] = None,
    data: DataOption = None, gate: GateOption = False, fmt: FmtOption = Format.table,
) -> None:
    """Events: typing on CASE 2021 Task 2 (25 types, weighted/macro F1), police actions
    on IndiaPoliceEvents (P/R/F1 per sentence label), trigger detection on ECB+ test
    topics; each beside a keyword (or every-verb) baseline run in the same command.

    Example: crosscheck eval events --limit 50 -f json
    """
    if split not in (None, "reporting", "tuning"):
        raise typer.BadParameter("reporting or tuning", param_hint="--split")
    if gate and limit is not None:
        err.print("gate: not checked with --limit (the floors hold for the full halves)")
    raise typer.Exit(0 if _run("events", data, split, gate and limit is None, fmt, None,
                               limit) else 1)


@eval_app.command("gazetteer")
@friendly
def eval_gazetteer(
    limit: Annotated[int, typer.Option(help="First N articles (0: all 4,729).")] = 500,
    data: DataOption = None, fmt: FmtOption = Format.table,
) -> None:
    """Coverage of the place and facility gazetteers on the real full-text war corpus:
    the share of place mentions resolved to coordinates, and what is missed most."""
    from crosscheck.eval.geo import gazetteer_coverage

    settings = settings_from()
    report = gazetteer_coverage(data or default_data_dir(), limit or None,
                                model=settings.spacy_model)
    _show("gazetteer", report, fmt)
