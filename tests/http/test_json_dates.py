"""The models' own JSON and ``to_json`` write dates alike: ISO 8601 with ``+00:00``."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone

from newscms.domain import Article, Page, Relation, Tag
from newscms.formats import to_json
from newscms.utils.dates import isoformat

_DATE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)")


def _dates(text: str) -> list[str]:
    return _DATE.findall(text)


def test_model_dump_and_to_json_agree(make_article) -> None:  # type: ignore[no-untyped-def]
    article = make_article()
    target = make_article("other", published_at=datetime(2012, 6, 13, 22, tzinfo=UTC))
    relation = Relation(
        id=target.id, kind="see_also", position=0, source=article.ref, target=target.ref
    )
    with_relation = make_article(relations=(relation,))
    page = Page[Article](items=(with_relation,))
    for model in (with_relation, page):
        assert model.model_dump(mode="json") == to_json(model)
        dates = _dates(model.model_dump_json())
        assert len(dates) >= 5
        assert all(date.endswith("+00:00") for date in dates)
    assert to_json(article)["updated_at"] == isoformat(article.updated_at)
    assert to_json(article)["updated_at"] == "2026-01-15T12:00:30.250000+00:00"
    assert json.loads(article.model_dump_json()) == to_json(article)


def test_dates_are_stored_in_utc_whatever_zone_was_given(make_article) -> None:  # type: ignore[no-untyped-def]
    seoul = timezone(timedelta(hours=9))
    article = make_article(published_at=datetime(2012, 6, 14, 7, tzinfo=seoul))
    assert to_json(article)["published_at"] == "2012-06-13T22:00:00+00:00"
    assert article.model_dump(mode="json")["published_at"] == "2012-06-13T22:00:00+00:00"


def test_python_mode_keeps_datetimes_and_schemas_keep_their_format(make_article) -> None:  # type: ignore[no-untyped-def]
    tag = Tag(id="0" * 32, kind="topic", names={"en": {"name": "Korea", "slug": "korea"}})
    assert tag.model_dump(mode="json")["names"] == {"en": {"name": "Korea", "slug": "korea"}}
    schema = Article.model_json_schema(mode="serialization")
    assert schema["properties"]["updated_at"] == {
        "format": "date-time", "title": "Updated At", "type": "string",
    }  # fmt: skip
    assert isinstance(make_article().model_dump()["updated_at"], datetime)
