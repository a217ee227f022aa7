"""``newscms media ...``: store an image file with its renditions, and show a media item."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from newscms.cli._common import CliContext, emit_json, pass_context
from newscms.formats.json import to_json
from newscms.services.media import LocalDirectoryStorage, store_image

if TYPE_CHECKING:
    from uuid import UUID

    from newscms.domain.media import MediaItem

__all__ = ["media"]

STORAGE_DIR_ENV = "NEWSCMS_MEDIA_DIR"
BASE_URL_ENV = "NEWSCMS_MEDIA_URL"


def _texts(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, str]:
    """``LOCALE=TEXT`` options as a mapping; the domain checks the locales and texts."""
    texts: dict[str, str] = {}
    for value in values:
        locale, sep, text = value.partition("=")
        if not sep or not locale.strip():
            raise click.BadParameter(f"{value!r} is not LOCALE=TEXT (like en=A girl on a bridge)")
        if locale.strip() in texts:
            raise click.BadParameter(f"two texts for locale {locale.strip()!r}")
        texts[locale.strip()] = text
    return texts


@click.group()
def media() -> None:
    """Store images and show media items."""


@media.command("add")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--storage-dir",
    required=True,
    envvar=STORAGE_DIR_ENV,
    type=click.Path(file_okay=False, path_type=Path),
    help=f"The directory the files go to (or set {STORAGE_DIR_ENV}).",
)
@click.option(
    "--base-url",
    required=True,
    envvar=BASE_URL_ENV,
    help=f"The URL that directory is published at (or set {BASE_URL_ENV}).",
)
@click.option(
    "--alt", multiple=True, callback=_texts, metavar="LOCALE=TEXT", help="Alt text (repeatable)."
)
@click.option(
    "--caption", multiple=True, callback=_texts, metavar="LOCALE=TEXT", help="Caption (repeatable)."
)
@click.option("--credit", help="The credit line (Photo: AFP / Jane Doe).")
@click.option("--copyright", "copyright_holder", help="Who holds the rights.")
@click.option("--json", "as_json", is_flag=True, help="Print the media item as JSON.")
@pass_context
def add_media(
    ctx: CliContext,
    *,
    file: Path,
    storage_dir: Path,
    base_url: str,
    alt: dict[str, str],
    caption: dict[str, str],
    credit: str | None,
    copyright_holder: str | None,
    as_json: bool,
) -> None:
    """Store the image FILE and its renditions in --storage-dir, and describe it.

    The same image added twice is stored once: the second time prints the item already
    stored (with the texts of new locales added).
    """
    storage = LocalDirectoryStorage(storage_dir, base_url)
    data = file.read_bytes()
    with ctx.store().session() as uow:
        item = store_image(
            uow,
            data,
            storage=storage,
            alt=alt,
            caption=caption,
            credit=credit,
            copyright_holder=copyright_holder,
        )
    _print(item, as_json=as_json)


@media.command("show")
@click.argument("media_id", metavar="ID", type=click.UUID)
@click.option("--json", "as_json", is_flag=True, help="Print the media item as JSON.")
@pass_context
def show_media(ctx: CliContext, *, media_id: UUID, as_json: bool) -> None:
    """Show the media item ID: its URL, size, texts and renditions."""
    with ctx.store().session(readonly=True) as uow:
        item = uow.media.get(media_id)
    _print(item, as_json=as_json)


def _print(item: MediaItem, *, as_json: bool) -> None:
    if as_json:
        emit_json(to_json(item))
        return
    # click.echo, not rich: captions and credits are the user's text, not markup.
    size = f"{item.width}x{item.height}" if item.width and item.height else "size unknown"
    click.echo(f"media {item.id}: {item.mime_type or item.kind.value} {size}")
    click.echo(f"url {item.url}")
    lines: list[tuple[str, Any]] = [
        *((f"alt [{locale}]", text) for locale, text in sorted(item.alt.items())),
        *((f"caption [{locale}]", text) for locale, text in sorted(item.caption.items())),
        ("credit", item.credit),
        ("copyright", item.copyright_holder),
    ]
    for label, text in lines:
        if text:
            click.echo(f"{label}: {text}")
    for rendition in item.renditions:
        click.echo(f"  {rendition.name} {rendition.width}x{rendition.height} {rendition.url}")
