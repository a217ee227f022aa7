"""Compact revision snapshots: zlib, with the previous keyframe as a preset dictionary.

Every save stores the article's full state, so a revision can be read or restored on
its own. Consecutive revisions of a story differ by a few words, so each snapshot is
compressed with its keyframe (every ``KEYFRAME_EVERY``-th revision, stored alone) as
zlib's preset dictionary: unchanged text costs a back-reference, not a copy. Reading any
revision decompresses at most two snapshots.
"""

from __future__ import annotations

import json
import zlib
from typing import Any

__all__ = ["KEYFRAME_EVERY", "decode_snapshot", "encode_snapshot", "is_keyframe"]

KEYFRAME_EVERY = 10
_LEVEL = 9
_WINDOW = 32 * 1024  # zlib only looks back 32 KB, so only the dictionary's tail helps


def is_keyframe(version: int) -> bool:
    """Whether revision ``version`` is stored on its own (1, 11, 21, ...)."""
    return (version - 1) % KEYFRAME_EVERY == 0


def keyframe_of(version: int) -> int:
    """The keyframe revision whose snapshot is ``version``'s compression dictionary."""
    return version - (version - 1) % KEYFRAME_EVERY


def _serialize(snapshot: dict[str, Any]) -> bytes:
    return json.dumps(snapshot, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def encode_snapshot(snapshot: dict[str, Any], keyframe: dict[str, Any] | None) -> bytes:
    """Compress ``snapshot``, against ``keyframe`` when given (``None`` for a keyframe)."""
    data = _serialize(snapshot)
    if keyframe is None:
        return zlib.compress(data, _LEVEL)
    compressor = zlib.compressobj(_LEVEL, zdict=_serialize(keyframe)[-_WINDOW:])
    return compressor.compress(data) + compressor.flush()


def decode_snapshot(blob: bytes, keyframe: dict[str, Any] | None) -> dict[str, Any]:
    """Inverse of ``encode_snapshot``: the same ``keyframe`` must be given back."""
    if keyframe is None:
        data = zlib.decompress(blob)
    else:
        decompressor = zlib.decompressobj(zdict=_serialize(keyframe)[-_WINDOW:])
        data = decompressor.decompress(blob) + decompressor.flush()
    value: dict[str, Any] = json.loads(data)
    return value
