"""The stable JSON form of articles, tags, relations and pages, and its JSON Schema.

The JSON form is the models' own fields, so the schema can be generated from them and
nothing is described twice:

- every field is always present (``null`` when empty), so a front end never has to
  tell "missing" from "empty";
- ids are strings (UUIDs), enums are their string values (``"published"``);
- dates are ISO 8601 in UTC with an explicit offset (``"2012-06-13T22:00:00+00:00"``),
  exactly as the models' own ``model_dump(mode="json")`` writes them (the domain's
  serializer does it), so either can be used.

The committed schemas live in ``docs/schema/`` (``article.json``, ``tag.json``,
``relation.json``, ``page.json``); a test fails when they and the models disagree.
Regenerate them after changing a model with::

    python -m newscms.formats.json docs/schema
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic.json_schema import GenerateJsonSchema

from newscms.domain import Article, Page, Relation, Tag

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pydantic_core import core_schema

    from newscms.domain._base import DomainModel

__all__ = ["SCHEMA_FILES", "dump_json", "json_schemas", "main", "to_json", "write_json_schemas"]

_DIALECT = "https://json-schema.org/draft/2020-12/schema"

SCHEMA_FILES: dict[str, type[DomainModel]] = {
    "article.json": Article,
    "tag.json": Tag,
    "relation.json": Relation,
    "page.json": Page[Article],
}
"""Each committed schema file and the model it describes (listings are pages of articles)."""


def to_json(model: DomainModel) -> dict[str, Any]:
    """The JSON form of an ``Article``, ``Tag``, ``Relation`` or ``Page`` as plain data.

    The result holds only ``dict``, ``list``, ``str``, ``int``, ``bool`` and ``None``,
    ready for ``json.dumps`` or a web framework's JSON response: the model's own JSON
    dump, whose dates the domain writes with an explicit offset.
    """
    data: dict[str, Any] = model.model_dump(mode="json")
    return data


def dump_json(model: DomainModel, *, indent: int | None = 2) -> str:
    """The JSON form of ``model`` as text, keys in field order, non-ASCII kept as is."""
    return json.dumps(to_json(model), ensure_ascii=False, indent=indent)


class _EveryFieldPresent(GenerateJsonSchema):
    """Mark every field required: the JSON form always writes them all, ``null`` included."""

    def field_is_required(
        self,
        field: core_schema.ModelField | core_schema.DataclassField | core_schema.TypedDictField,
        total: bool,
    ) -> bool:
        return True


def json_schemas() -> dict[str, dict[str, Any]]:
    """The JSON Schema (2020-12) of each JSON form, keyed by its file name in ``docs/schema``."""
    schemas: dict[str, dict[str, Any]] = {}
    for name, model in SCHEMA_FILES.items():
        generated = model.model_json_schema(
            mode="serialization", schema_generator=_EveryFieldPresent
        )
        schemas[name] = {
            "$schema": _DIALECT,
            "$id": f"urn:newscms:schema:{name.removesuffix('.json')}",
            **generated,
        }
    return schemas


def write_json_schemas(directory: Path) -> tuple[Path, ...]:
    """Write every schema of ``json_schemas`` into ``directory``; return the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in json_schemas().items():
        path = directory / name
        path.write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written.append(path)
    return tuple(written)


def main(argv: Sequence[str] | None = None) -> int:
    """Regenerate the committed schemas: ``python -m newscms.formats.json [DIRECTORY]``."""
    args = list(sys.argv[1:] if argv is None else argv)
    directory = Path(args[0] if args else "docs/schema")
    for path in write_json_schemas(directory):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
