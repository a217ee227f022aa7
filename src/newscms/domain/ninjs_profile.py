"""The newscms profile of IPTC ninjs: how the content model maps onto ninjs fields.

One definition shared by the ninjs writer (``newscms.formats.ninjs``) and reader
(``newscms.importers.ninjs``), so what one newscms site exports another reads back
exactly. Documents carry ``profile: "newscms"`` to say these conventions apply.
"""

from __future__ import annotations

from newscms.domain.media import MediaKind
from newscms.domain.status import Status
from newscms.domain.tag import TagKind

__all__ = [
    "BYLINE_REL",
    "CANONICAL_URL_ROLE",
    "IMPORT_SOURCE_ROLE",
    "MEDIA_KINDS",
    "MEDIA_TYPES",
    "NINJS_PROFILE",
    "ORIGINAL_RENDITION",
    "PUBSTATUS",
    "PUBSTATUS_STATUS",
    "SOURCE_ROLE_PREFIX",
    "TAG_COLLECTIONS",
]

NINJS_PROFILE = "newscms"
"""``profile`` of every document newscms writes."""

PUBSTATUS: dict[Status, str] = {
    Status.PUBLISHED: "usable",
    Status.SCHEDULED: "withheld",
    Status.DRAFT: "withheld",
    Status.ARCHIVED: "canceled",
}
"""The ``pubstatus`` each status is written as."""

PUBSTATUS_STATUS: dict[str, Status] = {
    "usable": Status.PUBLISHED,
    "withheld": Status.DRAFT,
    "canceled": Status.ARCHIVED,
}
"""The status a ``pubstatus`` is read as (``usable`` when absent, as ninjs says)."""

TAG_COLLECTIONS: dict[str, str] = {
    TagKind.REGION: "places",
    TagKind.PERSON: "people",
    TagKind.ORGANIZATION: "organisations",
    TagKind.EVENT: "events",
}
"""The ninjs array of each tag kind; every other kind goes to ``subjects`` with its kind."""

BYLINE_REL = "author"
"""``rel`` of a byline person without a role."""

CANONICAL_URL_ROLE = "canonical-url"
"""``altids`` role of the article's public URL."""

SOURCE_ROLE_PREFIX = "source:"
"""``altids`` role prefix of an imported article's source identity (``source:legacy``)."""

IMPORT_SOURCE_ROLE = "import"
"""``infosources`` role of the site an article was imported from."""

MEDIA_TYPES: dict[MediaKind, str] = {
    MediaKind.IMAGE: "picture",
    MediaKind.VIDEO: "video",
    MediaKind.AUDIO: "audio",
}
"""The ninjs ``type`` of a media item's association, by kind (what the writer writes)."""

MEDIA_KINDS: dict[str, MediaKind] = {
    **{ninjs_type: kind for kind, ninjs_type in MEDIA_TYPES.items()},
    "graphic": MediaKind.IMAGE,  # ninjs's other still-image type, from other systems
}
"""The media kind of each ninjs association ``type`` the reader takes as media."""

ORIGINAL_RENDITION = "original"
"""``renditions`` name of a media item's original file (its ``url``): always the first."""
