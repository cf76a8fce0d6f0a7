"""What every command shares: the app, option bundles, error handling."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from crosscheck.cli._output import Format
from crosscheck.errors import CrosscheckError
from crosscheck.settings import Settings, load_settings

__all__ = ["DbOption", "FormatOption", "LimitOption", "app", "bench_app", "err", "friendly",
           "settings_from"]

app = typer.Typer(
    name="crosscheck",
    help="Sourced, cross-checked records of war reporting: who said what, which figures, "
    "which events, and where sources agree or contradict each other.\n\n"
    "Example: crosscheck ingest articles/ feed.xml && crosscheck articles Mariupol",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)
bench_app = typer.Typer(help="Measure speed and peak memory on the real corpora.",
                        no_args_is_help=True)
app.add_typer(bench_app, name="bench")

err = Console(stderr=True, highlight=False)

# -- shared option bundles -------------------------------------------------------------
DbOption = Annotated[str | None, typer.Option(
    "--db", help="Store: SQLite path or postgresql:// URL [env CROSSCHECK_DB; default "
    "./crosscheck.db].", show_default=False)]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
LimitOption = Annotated[int | None, typer.Option(
    "--limit", "-n", min=1, help="At most this many rows (JSON and CSV return every row "
    "without it; the table shows 50).")]

F = TypeVar("F", bound=Callable[..., Any])


def friendly(func: F) -> F:
    """User mistakes and bad input become one line on stderr and exit status 2."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CrosscheckError as exc:
            err.print(f"[red]error:[/red] {exc}", markup=True, soft_wrap=True)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


def settings_from(**flags: Any) -> Settings:
    return load_settings(**flags)


