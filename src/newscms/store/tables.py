"""The newscms tables, built for a table-name prefix and an optional database schema.

The tables live in their own ``MetaData`` with a naming convention, so every constraint
has a stable, predictable name on every backend and the tables can sit next to a host
application's own. Migrations in ``alembic/`` build the same schema; a test checks that
the two never drift apart.

Listings are the hot path of a news site, so the order they walk is carried in the
data: ``listed_at`` (publication time, or creation time for unpublished articles),
``is_public`` and ``expires_at`` are copied into ``article_tags`` and kept consistent
on every write, so
"newest public articles with tag T" walks one index in order, whatever the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)

from newscms.errors import ValidationError
from newscms.store.types import Blob, EventId, JSONData, Key, LongText, UTCDateTime

__all__ = [
    "DEFAULT_PREFIX",
    "MOSTLY_NULL_INDEXES",
    "NAMING_CONVENTION",
    "MostlyNullIndex",
    "Tables",
    "build_tables",
    "not_null_predicate",
]

DEFAULT_PREFIX = "newscms_"

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s",
    "pk": "pk_%(table_name)s",
}

LOCALE = 35  # the longest BCP 47 tag newscms accepts is far shorter; 35 is RFC 5646's floor
SLUG = 200
KIND = 32
EMAIL = 254  # RFC 5321's longest forward path, less its angle brackets

_PREFIX = re.compile(r"^[a-z][a-z0-9_]{0,19}$")


class MostlyNullIndex(NamedTuple):
    """An index on a key most rows leave NULL, kept partial where the engine can."""

    table: str
    """The table's name without the prefix."""
    columns: tuple[str, ...]
    key: str
    """The column whose NULL rows the index leaves out."""


MOSTLY_NULL_INDEXES: dict[str, MostlyNullIndex] = {
    "relations_pending_title": MostlyNullIndex(
        "relations", ("pending_title_key",), "pending_title_key"
    ),
    "relations_pending_url": MostlyNullIndex("relations", ("pending_url_key",), "pending_url_key"),
    "relations_pending_slug": MostlyNullIndex(
        "relations", ("pending_locale", "pending_slug"), "pending_slug"
    ),
    "articles_translation_group": MostlyNullIndex(
        "articles", ("translation_group", "locale"), "translation_group"
    ),
    "articles_expiry": MostlyNullIndex("articles", ("expires_at",), "expires_at"),
}
"""Index name suffix → its definition. Almost every relation is resolved (pending keys
NULL) and most articles have no translation group or expiry; SQLite's statistics count
the NULLs as one value, so after ANALYZE full indexes looked useless and lookups scanned
the table. Partial since migration 0008 (``not_null_predicate``); the expiry index
(``publish_due``'s) since 0010."""


def not_null_predicate(column: str) -> dict[str, Any]:
    """Index options keeping only rows where ``column`` is set, on the engines that can.

    MariaDB has no partial indexes; its range estimates dive into the index for the few
    keys asked, so the NULLs do not mislead it.
    """
    condition = text(f"{column} IS NOT NULL")
    return {"sqlite_where": condition, "postgresql_where": condition}


def _mostly_null_indexes(prefix: str, table: str) -> list[Index]:
    """The partial indexes of ``table`` (``MOSTLY_NULL_INDEXES``) for ``prefix``."""
    return [
        Index(f"ix_{prefix}{name}", *index.columns, **not_null_predicate(index.key))
        for name, index in MOSTLY_NULL_INDEXES.items()
        if index.table == table
    ]


@dataclass(frozen=True, slots=True)
class Tables:
    """Every newscms table for one prefix/schema, plus the ``MetaData`` that holds them."""

    prefix: str
    schema: str | None
    metadata: MetaData
    articles: Table
    article_slugs: Table
    article_people: Table
    people: Table
    person_names: Table
    person_slugs: Table
    tags: Table
    tag_names: Table
    tag_slugs: Table
    article_tags: Table
    relations: Table
    revisions: Table
    events: Table
    meta: Table
    search_documents: Table
    legacy_urls: Table
    date_evidence: Table
    media: Table
    article_media: Table
    subscribers: Table
    newsletter_sends: Table
    newsletter_suppressions: Table
    newsletter_shares: Table
    newsletter_counts: Table

    @property
    def version_table(self) -> str:
        """Name of the Alembic version table newscms uses (never the host's)."""
        return f"{self.prefix}alembic_version"


def _validate_prefix(prefix: str) -> str:
    if not _PREFIX.match(prefix):
        raise ValidationError(
            "use lowercase letters, digits and '_' (at most 20, starting with a letter)",
            field="prefix",
        )
    return prefix


@lru_cache(maxsize=32)
def build_tables(prefix: str = DEFAULT_PREFIX, schema: str | None = None) -> Tables:
    """Build (once per prefix and schema) the newscms tables in their own ``MetaData``."""
    p = _validate_prefix(prefix)
    metadata = MetaData(naming_convention=NAMING_CONVENTION, schema=schema)
    fk_prefix = f"{schema}." if schema else ""

    def ref(table: str, column: str = "id") -> str:
        return f"{fk_prefix}{p}{table}.{column}"

    mysql_options: dict[str, Any] = {"mysql_engine": "InnoDB", "mysql_charset": "utf8mb4"}

    articles = Table(
        f"{p}articles",
        metadata,
        Column("id", Uuid(), nullable=False),
        Column("locale", Key(LOCALE), nullable=False),
        Column("slug", Key(SLUG), nullable=False),
        Column("headline", String(500), nullable=False),
        Column("subheadline", String(1000)),
        Column("summary", Text()),
        Column("body", LongText, nullable=False),
        Column("byline", JSONData, nullable=False),
        Column("dateline_place", String(200)),
        Column("dateline_source", String(200)),
        Column("status", String(16), nullable=False),
        Column("is_public", Boolean(create_constraint=False), nullable=False),
        Column("created_at", UTCDateTime(), nullable=False),
        Column("updated_at", UTCDateTime(), nullable=False),
        Column("published_at", UTCDateTime()),
        Column("first_published_at", UTCDateTime()),
        Column("listed_at", UTCDateTime(), nullable=False),
        Column("version", Integer(), nullable=False),
        Column("canonical_url", String(2000)),
        Column("url_key", Key(64)),
        Column("title_key", Key(64), nullable=False),
        Column("source_format", String(KIND)),
        Column("source_locator", String(2000)),
        Column("source_key", Key(64)),
        Column("date_provenance", JSONData),
        Column("embargoed_until", UTCDateTime()),
        # When the article leaves public view; copied into article_tags and
        # search_documents with the other listing columns.
        Column("expires_at", UTCDateTime()),
        # The public correction log, read with the article (no extra statement).
        Column("corrections", JSONData),
        Column("translation_group", Uuid()),
        # How many media items the article shows (article_media): a read of one that
        # shows none needs no statement for them.
        Column("media_count", Integer(), nullable=False, server_default="0"),
        PrimaryKeyConstraint("id"),
        UniqueConstraint("locale", "slug"),
        UniqueConstraint("source_key"),
        Index(f"ix_{p}articles_listing", "is_public", "listed_at", "id"),
        Index(f"ix_{p}articles_locale_listing", "locale", "is_public", "listed_at", "id"),
        Index(f"ix_{p}articles_status_listing", "status", "listed_at", "id"),
        Index(f"ix_{p}articles_recent", "listed_at", "id"),
        Index(f"ix_{p}articles_title_key", "title_key"),
        Index(f"ix_{p}articles_url_key", "url_key"),
        *_mostly_null_indexes(p, "articles"),
        **mysql_options,
    )

    # Every slug an article ever had, so old URLs keep resolving after a re-slug. The
    # primary key makes slug allocation atomic: whoever inserts (locale, slug) first owns it.
    article_slugs = Table(
        f"{p}article_slugs",
        metadata,
        Column("locale", Key(LOCALE), nullable=False),
        Column("slug", Key(SLUG), nullable=False),
        Column(
            "article_id", Uuid(), ForeignKey(ref("articles"), ondelete="CASCADE"), nullable=False
        ),
        Column("created_at", UTCDateTime(), nullable=False),
        PrimaryKeyConstraint("locale", "slug"),
        Index(f"ix_{p}article_slugs_article", "article_id"),
        **mysql_options,
    )

    # People credited on articles (store/people.py): one row per person; every spelling
    # bylines credit them by (``name_key``: the name's slug), and their slug per locale,
    # old ones included, each lead to the one profile.
    people = Table(
        f"{p}people",
        metadata,
        Column("id", Uuid(), nullable=False),
        Column("name", String(200), nullable=False),
        Column("bio", JSONData, nullable=False),
        Column("tag_id", Uuid(), ForeignKey(ref("tags"), ondelete="SET NULL")),
        Column("created_at", UTCDateTime(), nullable=False),
        Column("updated_at", UTCDateTime(), nullable=False),
        Column("version", Integer(), nullable=False),
        PrimaryKeyConstraint("id"),
        **mysql_options,
    )

    person_names = Table(
        f"{p}person_names",
        metadata,
        Column("name_key", Key(SLUG), nullable=False),
        Column("name", String(200), nullable=False),
        Column("person_id", Uuid(), ForeignKey(ref("people"), ondelete="CASCADE"), nullable=False),
        PrimaryKeyConstraint("name_key"),
        Index(f"ix_{p}person_names_person", "person_id"),
        **mysql_options,
    )

    person_slugs = Table(
        f"{p}person_slugs",
        metadata,
        Column("locale", Key(LOCALE), nullable=False),
        Column("slug", Key(SLUG), nullable=False),
        Column("person_id", Uuid(), ForeignKey(ref("people"), ondelete="CASCADE"), nullable=False),
        # The person's slug in the locale now; the others are former ones that resolve.
        Column("current", Boolean(create_constraint=False), nullable=False),
        Column("created_at", UTCDateTime(), nullable=False),
        PrimaryKeyConstraint("locale", "slug"),
        Index(f"ix_{p}person_slugs_person", "person_id"),
        **mysql_options,
    )

    # The byline as rows, so "articles by this person" is an indexed lookup; the byline
    # itself is read from the article row's JSON (which holds each person's id and slug).
    article_people = Table(
        f"{p}article_people",
        metadata,
        Column(
            "article_id", Uuid(), ForeignKey(ref("articles"), ondelete="CASCADE"), nullable=False
        ),
        Column("position", Integer(), nullable=False),
        Column("person_key", Key(SLUG), nullable=False),
        Column("name", String(200), nullable=False),
        Column("person_id", Uuid(), ForeignKey(ref("people")), nullable=False),
        PrimaryKeyConstraint("article_id", "position"),
        Index(f"ix_{p}article_people_person", "person_key"),
        Index(f"ix_{p}article_people_profile", "person_id"),
        **mysql_options,
    )

    tags = Table(
        f"{p}tags",
        metadata,
        Column("id", Uuid(), nullable=False),
        Column("kind", Key(KIND), nullable=False),
        Column("created_at", UTCDateTime(), nullable=False),
        # An identifier the tag's concept has outside newscms: ISO 3166 for places.
        Column("code", Key(KIND)),
        # Sections (kind "section") form a tree: a parent and an order among siblings. No
        # foreign key: merges and deletes move subsections themselves (store/tags.py), and
        # adding one to a table others refer to would make SQLite copy the table.
        Column("parent_id", Uuid()),
        Column("position", Integer(), nullable=False, server_default="0"),
        PrimaryKeyConstraint("id"),
        UniqueConstraint("kind", "code"),
        Index(f"ix_{p}tags_parent", "parent_id", "position"),
        **mysql_options,
    )

    tag_names = Table(
        f"{p}tag_names",
        metadata,
        Column("tag_id", Uuid(), ForeignKey(ref("tags"), ondelete="CASCADE"), nullable=False),
        Column("locale", Key(LOCALE), nullable=False),
        Column("name", String(200), nullable=False),
        Column("slug", Key(SLUG), nullable=False),
        PrimaryKeyConstraint("tag_id", "locale"),
        **mysql_options,
    )

    # Current and former slugs of every tag name. The primary key makes get-or-create
    # race-safe and keeps a renamed or merged tag's old slug resolving to the tag.
    tag_slugs = Table(
        f"{p}tag_slugs",
        metadata,
        Column("kind", Key(KIND), nullable=False),
        Column("locale", Key(LOCALE), nullable=False),
        Column("slug", Key(SLUG), nullable=False),
        Column("tag_id", Uuid(), ForeignKey(ref("tags"), ondelete="CASCADE"), nullable=False),
        PrimaryKeyConstraint("kind", "locale", "slug"),
        Index(f"ix_{p}tag_slugs_tag", "tag_id"),
        **mysql_options,
    )

    article_tags = Table(
        f"{p}article_tags",
        metadata,
        Column(
            "article_id", Uuid(), ForeignKey(ref("articles"), ondelete="CASCADE"), nullable=False
        ),
        Column("tag_id", Uuid(), ForeignKey(ref("tags"), ondelete="CASCADE"), nullable=False),
        Column("position", Integer(), nullable=False),
        Column("is_public", Boolean(create_constraint=False), nullable=False),
        Column("listed_at", UTCDateTime(), nullable=False),
        Column("expires_at", UTCDateTime()),
        PrimaryKeyConstraint("article_id", "tag_id"),
        # expires_at last: visibility is judged in the index, without reading the rows
        # (related articles count up to 2,000 rows per tag).
        Index(
            f"ix_{p}article_tags_listing",
            "tag_id",
            "is_public",
            "listed_at",
            "article_id",
            "expires_at",
        ),
        **mysql_options,
    )

    relations = Table(
        f"{p}relations",
        metadata,
        Column("id", Uuid(), nullable=False),
        Column(
            "source_id", Uuid(), ForeignKey(ref("articles"), ondelete="CASCADE"), nullable=False
        ),
        Column("kind", Key(KIND), nullable=False),
        Column("position", Integer(), nullable=False),
        Column("target_id", Uuid(), ForeignKey(ref("articles"), ondelete="CASCADE")),
        # The target's id, or a digest of the pending target: one unique key forbids
        # duplicates whether the target has arrived or not.
        Column("target_key", Key(80), nullable=False),
        Column("pending_title", String(500)),
        Column("pending_published_at", UTCDateTime()),
        Column("pending_url", String(2000)),
        Column("pending_slug", Key(SLUG)),
        Column("pending_locale", Key(LOCALE)),
        Column("pending_title_key", Key(64)),
        Column("pending_url_key", Key(64)),
        Column("created_at", UTCDateTime(), nullable=False),
        PrimaryKeyConstraint("id"),
        UniqueConstraint("source_id", "kind", "target_key"),
        Index(f"ix_{p}relations_source", "source_id", "position"),
        Index(f"ix_{p}relations_target", "target_id"),
        *_mostly_null_indexes(p, "relations"),
        **mysql_options,
    )

    # One row per saved version of an article: who, when, what changed, and a compressed
    # snapshot (see store/snapshots.py) keyed to its keyframe ``base_version``.
    revisions = Table(
        f"{p}revisions",
        metadata,
        Column(
            "article_id", Uuid(), ForeignKey(ref("articles"), ondelete="CASCADE"), nullable=False
        ),
        Column("version", Integer(), nullable=False),
        Column("created_at", UTCDateTime(), nullable=False),
        Column("actor", String(200)),
        Column("action", String(KIND), nullable=False),
        Column("changed_fields", JSONData, nullable=False),
        Column("base_version", Integer()),
        Column("snapshot", Blob, nullable=False),
        PrimaryKeyConstraint("article_id", "version"),
        **mysql_options,
    )

    # The durable outbox: events written in the same transaction as the change, delivered
    # at least once by ``drain``. No foreign key: a deleted article's events must survive.
    events = Table(
        f"{p}events",
        metadata,
        Column("id", EventId, nullable=False, autoincrement=True),
        Column("article_id", Uuid(), nullable=False),
        Column("kind", String(KIND), nullable=False),
        Column("payload", JSONData, nullable=False),
        Column("created_at", UTCDateTime(), nullable=False),
        Column("delivered_at", UTCDateTime()),
        PrimaryKeyConstraint("id"),
        Index(f"ix_{p}events_undelivered", "delivered_at", "id"),
        **mysql_options,
    )

    meta = Table(
        f"{p}meta",
        metadata,
        Column("key", Key(64), nullable=False),
        Column("value", String(1000), nullable=False),
        PrimaryKeyConstraint("key"),
        **mysql_options,
    )

    # What search filters on, one row per article, copied from the article row by every
    # save (store/search). The text index itself is engine-specific (an FTS5 table, a
    # tsvector table, a FULLTEXT table named <prefix>search_index) and not in this
    # MetaData; on SQLite its FTS5 rowid is ``id`` (the same auto-increment type as
    # event ids). The copy makes a search filter on small rows, not on article rows.
    search_documents = Table(
        f"{p}search_documents",
        metadata,
        Column("id", EventId, nullable=False, autoincrement=True),
        Column(
            "article_id", Uuid(), ForeignKey(ref("articles"), ondelete="CASCADE"), nullable=False
        ),
        Column("locale", Key(LOCALE), nullable=False),
        Column("status", String(16), nullable=False),
        Column("is_public", Boolean(create_constraint=False), nullable=False),
        Column("listed_at", UTCDateTime(), nullable=False),
        Column("published_at", UTCDateTime()),
        Column("expires_at", UTCDateTime()),
        PrimaryKeyConstraint("id"),
        UniqueConstraint("article_id"),
        **mysql_options,
    )

    # The addresses an article had on the site it was migrated from (store/legacy_urls.py):
    # ``url_key`` is a digest of the normalized URL, so any length of URL is one key.
    legacy_urls = Table(
        f"{p}legacy_urls",
        metadata,
        Column("url_key", Key(64), nullable=False),
        Column("url", String(2000), nullable=False),
        Column(
            "article_id", Uuid(), ForeignKey(ref("articles"), ondelete="CASCADE"), nullable=False
        ),
        Column("created_at", UTCDateTime(), nullable=False),
        PrimaryKeyConstraint("url_key"),
        Index(f"ix_{p}legacy_urls_article", "article_id"),
        **mysql_options,
    )

    # Media items (store/media.py): metadata of an image (or video, audio) kept in the
    # host's storage; ``url_key`` is a digest of its URL (one item per URL). Texts per
    # locale and renditions are JSON: they are read with the item, never queried.
    media = Table(
        f"{p}media",
        metadata,
        Column("id", Uuid(), nullable=False),
        Column("kind", String(16), nullable=False),
        Column("url", String(2000), nullable=False),
        Column("url_key", Key(64), nullable=False),
        Column("storage_key", String(500)),
        Column("mime_type", String(128)),
        Column("width", Integer()),
        Column("height", Integer()),
        Column("alt", JSONData, nullable=False),
        Column("caption", JSONData, nullable=False),
        Column("credit", String(300)),
        Column("copyright_holder", String(300)),
        Column("focal_point", JSONData),
        Column("renditions", JSONData, nullable=False),
        Column("created_at", UTCDateTime(), nullable=False),
        Column("updated_at", UTCDateTime(), nullable=False),
        Column("version", Integer(), nullable=False),
        PrimaryKeyConstraint("id"),
        UniqueConstraint("url_key"),
        Index(f"ix_{p}media_recent", "created_at", "id"),
        **mysql_options,
    )

    # The media an article shows, in order, each in a role (lead, gallery, inline). A
    # media item shown by an article cannot be deleted (no cascade from media).
    article_media = Table(
        f"{p}article_media",
        metadata,
        Column(
            "article_id", Uuid(), ForeignKey(ref("articles"), ondelete="CASCADE"), nullable=False
        ),
        Column("position", Integer(), nullable=False),
        Column("media_id", Uuid(), ForeignKey(ref("media")), nullable=False),
        Column("role", String(16), nullable=False),
        PrimaryKeyConstraint("article_id", "position"),
        Index(f"ix_{p}article_media_media", "media_id"),
        **mysql_options,
    )

    # How a source writes its numeric dates, counted over everything imported from it:
    # the dates that settled their own order, by source, edition and kind of date.
    date_evidence = Table(
        f"{p}date_evidence",
        metadata,
        Column("source", Key(KIND), nullable=False),
        Column("locale", Key(LOCALE), nullable=False),
        Column("kind", Key(KIND), nullable=False),
        Column("month_first", Integer(), nullable=False),
        Column("day_first", Integer(), nullable=False),
        PrimaryKeyConstraint("source", "locale", "kind"),
        **mysql_options,
    )

    # Newsletter (newscms/newsletter): one row per address, preferences as JSON lists
    # (editions are locales, tags are tag ids); the mailing query walks (frequency, id).
    subscribers = Table(
        f"{p}subscribers",
        metadata,
        Column("id", Uuid(), nullable=False),
        Column("email", Key(EMAIL), nullable=False),
        Column("locale", Key(LOCALE), nullable=False),
        Column("frequency", String(16), nullable=False),
        Column("editions", JSONData, nullable=False),
        Column("tag_ids", JSONData, nullable=False),
        Column("created_at", UTCDateTime(), nullable=False),
        Column("updated_at", UTCDateTime(), nullable=False),
        Column("confirmed_at", UTCDateTime()),
        Column("unsubscribed_at", UTCDateTime()),
        Column("suppressed_at", UTCDateTime()),
        Column("suppressed_reason", String(KIND)),
        PrimaryKeyConstraint("id"),
        UniqueConstraint("email"),
        Index(f"ix_{p}subscribers_mailing", "frequency", "id"),
        **mysql_options,
    )

    # The send log: one row per subscriber per digest, claimed (committed) before the
    # message goes to SMTP and marked sent after, so a crashed run never sends it twice.
    newsletter_sends = Table(
        f"{p}newsletter_sends",
        metadata,
        Column("digest_key", Key(64), nullable=False),
        Column(
            "subscriber_id",
            Uuid(),
            ForeignKey(ref("subscribers"), ondelete="CASCADE"),
            nullable=False,
        ),
        Column("state", String(16), nullable=False),
        Column("message_id", String(255), nullable=False),
        Column("claimed_at", UTCDateTime(), nullable=False),
        Column("sent_at", UTCDateTime()),
        Column("error", String(500)),
        PrimaryKeyConstraint("digest_key", "subscriber_id"),
        Index(f"ix_{p}newsletter_sends_subscriber", "subscriber_id"),
        **mysql_options,
    )

    # Addresses never to mail again (hard bounces, complaints), subscribed or not.
    newsletter_suppressions = Table(
        f"{p}newsletter_suppressions",
        metadata,
        Column("email", Key(EMAIL), nullable=False),
        Column("reason", String(KIND), nullable=False),
        Column("created_at", UTCDateTime(), nullable=False),
        PrimaryKeyConstraint("email"),
        **mysql_options,
    )

    # "Send to a friend" for its rate limits: keyed digests of sender and recipient,
    # never the addresses themselves.
    newsletter_shares = Table(
        f"{p}newsletter_shares",
        metadata,
        Column("id", EventId, nullable=False, autoincrement=True),
        Column("sender_key", Key(64), nullable=False),
        Column("recipient_key", Key(64), nullable=False),
        Column("article_id", Uuid(), nullable=False),
        Column("sent_at", UTCDateTime(), nullable=False),
        PrimaryKeyConstraint("id"),
        Index(f"ix_{p}newsletter_shares_sender", "sender_key", "sent_at"),
        Index(f"ix_{p}newsletter_shares_recipient", "recipient_key", "sent_at"),
        **mysql_options,
    )

    # Aggregate counts that outlive the rows they count (what an erasure leaves).
    newsletter_counts = Table(
        f"{p}newsletter_counts",
        metadata,
        Column("name", Key(64), nullable=False),
        Column("value", Integer(), nullable=False),
        PrimaryKeyConstraint("name"),
        **mysql_options,
    )

    return Tables(
        prefix=p,
        schema=schema,
        metadata=metadata,
        articles=articles,
        article_slugs=article_slugs,
        article_people=article_people,
        people=people,
        person_names=person_names,
        person_slugs=person_slugs,
        tags=tags,
        tag_names=tag_names,
        tag_slugs=tag_slugs,
        article_tags=article_tags,
        relations=relations,
        revisions=revisions,
        events=events,
        meta=meta,
        search_documents=search_documents,
        legacy_urls=legacy_urls,
        date_evidence=date_evidence,
        media=media,
        article_media=article_media,
        subscribers=subscribers,
        newsletter_sends=newsletter_sends,
        newsletter_suppressions=newsletter_suppressions,
        newsletter_shares=newsletter_shares,
        newsletter_counts=newsletter_counts,
    )
