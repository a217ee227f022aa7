"""``newscms serve``: the reference news site on a database, under uvicorn.

A thin shell over ``newscms.integrations.site.create_app``. It checks what would
otherwise fail at the first request (the web extra, the schema, the port) and says in
one line what to do. The socket is bound here and handed to uvicorn, so "the port is
taken" is known before the server starts and cannot race another process.
"""

from __future__ import annotations

import errno
import socket

import click

from newscms.cli._common import CliContext, fail, pass_context

__all__ = ["serve"]


@click.command()
@click.option(
    "--db",
    "database_url",
    default=None,
    help="Database URL (default: the newscms --db option, NEWSCMS_DATABASE_URL, or "
    "sqlite:///newscms.db).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="TCP port."
)
@click.option("--site-name", default="newscms", show_default=True, help="Publication name.")
@click.option(
    "--base-url",
    default=None,
    help="Public URL of the site, for canonical links, feeds and sitemaps "
    "(default: http://HOST:PORT/).",
)
@click.option(
    "--page-size",
    type=click.IntRange(1, 200),
    default=20,
    show_default=True,
    help="Stories per listing page.",
)
@click.option(
    "--templates",
    type=click.Path(file_okay=False, exists=True),
    default=None,
    help="Directory of templates replacing the packaged ones of the same name.",
)
@click.option(
    "--media-dir",
    type=click.Path(file_okay=False, exists=True),
    default=None,
    help="Directory of pictures served at /media (a local media storage, e.g. the demo's).",
)
@pass_context
def serve(
    ctx: CliContext,
    *,
    database_url: str | None,
    host: str,
    port: int,
    site_name: str,
    base_url: str | None,
    page_size: int,
    templates: str | None,
    media_dir: str | None,
) -> None:
    """Serve the reference news site (HTML pages, and the JSON API under /api)."""
    from newscms.integrations.site import create_app, reference_site

    try:
        import uvicorn
    except ImportError:  # pragma: no cover - the web extra brings it
        fail("uvicorn is not installed; install it with: pip install 'newscms[web]'")
    if database_url is not None:
        ctx.database_url = database_url
    store = ctx.store()
    store.schema_status().require_current()  # "run newscms migrate", before any request
    listener = _bind(host, port)
    bound = listener.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    site = reference_site(base_url or f"http://{shown}:{bound}/", name=site_name)
    app = create_app(
        store, site=site, templates=templates, page_size=page_size, media_dir=media_dir
    )
    click.echo(f"newscms serving {ctx.database_url} at {site.base_url} (Ctrl+C to stop)")
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    try:
        server.run(sockets=[listener])
    finally:
        listener.close()


def _bind(host: str, port: int) -> socket.socket:
    """A listening socket on (host, port), or one line saying why there is none."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        fail(f"cannot listen on {host}: {error.strerror}")
    family, kind, proto, _, address = infos[0]
    listener = socket.socket(family, kind, proto)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind(address)
        listener.listen(128)
    except OSError as error:
        listener.close()
        if error.errno == errno.EADDRINUSE:
            fail(f"port {port} on {host} is already in use; stop what uses it or pass --port")
        fail(f"cannot listen on {host}:{port}: {error.strerror}")
    return listener
