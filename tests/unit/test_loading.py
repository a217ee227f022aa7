"""The read edge's fast model building makes exactly what ``model_construct`` makes."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest
from pydantic import BaseModel, Field

from newscms.domain import ArticleRef, Status
from newscms.store._loading import _builder, _uuids

T0 = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


def test_builder_matches_model_construct() -> None:
    values = {
        "id": uuid4(),
        "locale": "en",
        "slug": "a-story",
        "headline": "A story",
        "status": Status.PUBLISHED,
        "published_at": T0,
    }
    fast = _builder(ArticleRef)(dict(values))
    slow = ArticleRef.model_construct(**values)
    assert fast == slow
    assert fast.__dict__ == slow.__dict__
    assert list(fast.__dict__) == list(slow.__dict__)
    assert fast.model_fields_set == slow.model_fields_set
    assert fast.__pydantic_extra__ == slow.__pydantic_extra__
    assert fast.__pydantic_private__ == slow.__pydantic_private__
    assert repr(fast) == repr(slow)
    assert fast.model_dump() == slow.model_dump()


def test_builder_refuses_models_it_would_build_wrongly() -> None:
    class Aliased(BaseModel):
        name: str = Field(alias="title")

    with pytest.raises(TypeError):
        _builder(Aliased)


def test_uuids_converts_each_raw_value_once() -> None:
    known = uuid4()
    other = uuid4()
    to_uuid = _uuids([known])
    assert to_uuid(known.hex) is known
    assert to_uuid(known) is known
    assert to_uuid(other.hex) == other
    assert to_uuid(other.hex) is to_uuid(other.hex)
    assert to_uuid(str(other)) == other
    assert isinstance(to_uuid(other), UUID)
