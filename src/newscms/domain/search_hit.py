"""One search result: the article, how well it matched, and where."""

from __future__ import annotations

from newscms.domain._base import DomainModel
from newscms.domain.article import Article

__all__ = ["SearchHit"]


class SearchHit(DomainModel):
    """An article that matched a search.

    ``headline`` and ``snippet`` are HTML, safe to put in a page as they are: the text is
    escaped and the matched words are wrapped in ``<mark>…</mark>``. ``snippet`` is
    about 200 characters of the summary and body around the best matches (the start of
    them when only the headline or a tag matched). ``score`` is the engine's relevance
    (higher is better): comparable within one search, not across engines.
    """

    article: Article
    score: float
    headline: str
    snippet: str
