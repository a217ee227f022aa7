"""The content model: pure pydantic models, no database and no I/O.

Drafts and patches are what callers write; ``Article``, ``Tag`` and ``Relation`` are
what the store returns.
"""

from newscms.domain.article import (
    Article as Article,
)
from newscms.domain.article import (
    ArticleDraft as ArticleDraft,
)
from newscms.domain.article import (
    ArticlePatch as ArticlePatch,
)
from newscms.domain.article import (
    ArticleTeaser as ArticleTeaser,
)
from newscms.domain.article import (
    Dateline as Dateline,
)
from newscms.domain.article import (
    DateProvenance as DateProvenance,
)
from newscms.domain.article import (
    Person as Person,
)
from newscms.domain.article import (
    SourceRef as SourceRef,
)
from newscms.domain.article_ref import ArticleRef as ArticleRef
from newscms.domain.media import ArticleMedia as ArticleMedia
from newscms.domain.media import FocalPoint as FocalPoint
from newscms.domain.media import MediaAttachment as MediaAttachment
from newscms.domain.media import MediaDraft as MediaDraft
from newscms.domain.media import MediaItem as MediaItem
from newscms.domain.media import MediaKind as MediaKind
from newscms.domain.media import MediaPatch as MediaPatch
from newscms.domain.media import MediaRole as MediaRole
from newscms.domain.media import Rendition as Rendition
from newscms.domain.page import Page as Page
from newscms.domain.people import PersonDraft as PersonDraft
from newscms.domain.people import PersonPatch as PersonPatch
from newscms.domain.people import PersonProfile as PersonProfile
from newscms.domain.relation import (
    PendingTarget as PendingTarget,
)
from newscms.domain.relation import (
    Relation as Relation,
)
from newscms.domain.relation import (
    RelationDraft as RelationDraft,
)
from newscms.domain.relation import (
    RelationKind as RelationKind,
)
from newscms.domain.search_hit import SearchHit as SearchHit
from newscms.domain.status import Status as Status
from newscms.domain.tag import Tag as Tag
from newscms.domain.tag import TagInput as TagInput
from newscms.domain.tag import TagKind as TagKind
from newscms.domain.tag import TagName as TagName
from newscms.domain.tag import TagRef as TagRef

__all__ = [
    "Article",
    "ArticleDraft",
    "ArticleMedia",
    "ArticlePatch",
    "ArticleRef",
    "ArticleTeaser",
    "DateProvenance",
    "Dateline",
    "FocalPoint",
    "MediaAttachment",
    "MediaDraft",
    "MediaItem",
    "MediaKind",
    "MediaPatch",
    "MediaRole",
    "Page",
    "PendingTarget",
    "Person",
    "PersonDraft",
    "PersonPatch",
    "PersonProfile",
    "Relation",
    "RelationDraft",
    "RelationKind",
    "Rendition",
    "SearchHit",
    "SourceRef",
    "Status",
    "Tag",
    "TagInput",
    "TagKind",
    "TagName",
    "TagRef",
]

# The pages the store returns are parametrized here, so that their classes belong to the
# domain package whichever module asks for them first.
_PAGES = (Page[Article], Page[ArticleTeaser], Page[SearchHit])
