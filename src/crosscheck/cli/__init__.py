"""The ``crosscheck`` command line: thin shells over the library's functions."""

from __future__ import annotations

import sys

from crosscheck.cli import articles as _articles  # noqa: F401  (registers its commands)
from crosscheck.cli import bench as _bench  # noqa: F401
from crosscheck.cli import bench_serve as _bench_serve  # noqa: F401
from crosscheck.cli import claims as _claims  # noqa: F401
from crosscheck.cli import evaluate as _evaluate  # noqa: F401
from crosscheck.cli import export as _export  # noqa: F401
from crosscheck.cli import facts as _facts  # noqa: F401
from crosscheck.cli import ingest as _ingest  # noqa: F401
from crosscheck.cli import link as _link  # noqa: F401
from crosscheck.cli import serve as _serve  # noqa: F401
from crosscheck.cli import sources as _sources  # noqa: F401
from crosscheck.cli._common import FormatOption, app, err, friendly
from crosscheck.cli._output import Format, emit_records
from crosscheck.settings import REGISTRY, load_settings

__all__ = ["app", "main"]


@app.command("settings")
@friendly
def settings_command(fmt: FormatOption = Format.table) -> None:
    """Show every setting: environment variable, current value, default and meaning."""
    current = load_settings()
    rows = [{"setting": s.name, "env": s.env, "value": getattr(current, s.name),
             "default": s.default, "help": s.help} for s in REGISTRY]
    emit_records(rows, ["setting", "env", "value", "default", "help"], fmt,
                 widths={"help": 200})


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted: committed batches are kept; rerun to resume")
        sys.exit(130)
