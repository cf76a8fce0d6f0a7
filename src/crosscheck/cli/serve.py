"""crosscheck serve"""

from __future__ import annotations

from typing import Annotated

import typer

from crosscheck.cli._common import DbOption, app, friendly, settings_from

__all__ = ["serve"]


@app.command("serve")
@friendly
def serve(
    db: DbOption = None,
    host: Annotated[str | None, typer.Option(
        help="Address to listen on \\[env CROSSCHECK_SERVE_HOST; default 127.0.0.1].",
        show_default=False)] = None,
    port: Annotated[int | None, typer.Option(
        min=1, max=65535, help="Port \\[env CROSSCHECK_SERVE_PORT; default 8000].",
        show_default=False)] = None,
    token: Annotated[str | None, typer.Option(
        help="Enable POST /api/ingest and /api/process for requests with "
        "`Authorization: Bearer TOKEN` \\[env CROSSCHECK_SERVE_TOKEN; default: read-only].",
        show_default=False)] = None,
) -> None:
    """Serve the store: the JSON API under /api (spec at /openapi.json, browsable at
    /docs) and the web pages. Read-only unless a token is set.

    Example: crosscheck serve --db news.db --port 8080
    """
    import uvicorn
    from sqlalchemy.engine import make_url

    from crosscheck.api import create_app
    from crosscheck.store import database_url

    settings = settings_from(db=db, serve_host=host, serve_port=port, serve_token=token)
    application = create_app(settings.db, token=settings.serve_token or None,
                             settings=settings)
    shown = f"[{settings.serve_host}]" if ":" in settings.serve_host else settings.serve_host
    mode = "writing enabled with a token" if settings.serve_token else "read-only"
    where = make_url(database_url(settings.db)).render_as_string(hide_password=True)
    typer.echo(f"serving {where} at http://{shown}:{settings.serve_port}/ ({mode}); "
               "API spec at /openapi.json; Ctrl-C stops")
    uvicorn.run(application, host=settings.serve_host, port=settings.serve_port,
                log_level="info", access_log=False)

