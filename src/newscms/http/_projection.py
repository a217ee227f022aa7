"""The listing projection: what a list of articles shows of each, without its body."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from newscms.domain import Article, ArticleTeaser, SearchHit
    from newscms.formats import Site

__all__ = ["TEASER_FIELDS", "search_hit", "teaser"]

TEASER_FIELDS = (
    "id",
    "locale",
    "slug",
    "headline",
    "subheadline",
    "summary",
    "published_at",
    "updated_at",
    "tags",
)
"""The article fields a teaser keeps, written as ``newscms.formats.to_json`` writes them."""

_INCLUDE = set(TEASER_FIELDS)


def teaser(article: Article | ArticleTeaser, site: Site) -> dict[str, Any]:
    """An article as a listing shows it: the ``TEASER_FIELDS`` and its public ``url``.

    The values are those of the article's JSON form (same dates, same tag objects), so
    a front end reads a teaser and a full article alike. Every listing route uses it.

    Raises:
        ValidationError: The site could not build the article's URL.
    """
    data: dict[str, Any] = article.model_dump(mode="json", include=_INCLUDE)
    data["url"] = site.url_for(article)
    return data


def search_hit(hit: SearchHit, site: Site) -> dict[str, Any]:
    """A search hit as the search route shows it: its article as a ``teaser``, and the match."""
    return {
        "article": teaser(hit.article, site),
        "score": hit.score,
        "headline": hit.headline,
        "snippet": hit.snippet,
    }
