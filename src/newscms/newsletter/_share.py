"""Send to a friend: its limits and what a sender may write (a name and a short note)."""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta

from newscms.errors import ValidationError

_NOTE_LIMIT = 500
_NAME_LIMIT = 60
_URLISH = re.compile(
    r"(?i)(?:[a-z][a-z0-9+.-]*://|www\.|\b[a-z0-9-]+\.(?:com|net|org|ru|cn|io|info|biz|xyz|top)\b)"
)


class ShareLimit:
    """At most ``count`` messages in a sliding ``window``."""

    __slots__ = ("count", "window")

    def __init__(self, count: int, window: timedelta) -> None:
        self.count = count
        self.window = window

    def __repr__(self) -> str:
        return f"ShareLimit({self.count}, {self.window!r})"


SHARE_LIMITS: dict[str, tuple[ShareLimit, ...]] = {
    # A reader forwarding stories to family in a morning sends a handful; a script
    # sends hundreds. Per recipient, so nobody is flooded by many "friends".
    "sender": (ShareLimit(5, timedelta(hours=1)), ShareLimit(20, timedelta(days=1))),
    "recipient": (ShareLimit(3, timedelta(days=1)),),
}
"""Send-to-a-friend limits, per sender identity and per recipient address."""


def clean_name(value: object) -> str:
    if not isinstance(value, str):
        raise ValidationError("give the sender's name", field="from_name")
    name = " ".join(unicodedata.normalize("NFC", value).split())
    if not name or len(name) > _NAME_LIMIT:
        raise ValidationError(f"must be 1 to {_NAME_LIMIT} characters", field="from_name")
    if "@" in name or _URLISH.search(name) or any(unicodedata.category(c)[0] == "C" for c in name):
        raise ValidationError(
            "a name only: no address, link or control character", field="from_name"
        )
    return name


def clean_note(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError("the note is text", field="note")
    lines = [" ".join(line.split()) for line in unicodedata.normalize("NFC", value).splitlines()]
    note = "\n".join(lines).strip()
    if len(note) > _NOTE_LIMIT:
        raise ValidationError(f"at most {_NOTE_LIMIT} characters", field="note")
    if _URLISH.search(note):
        raise ValidationError(
            "the note cannot carry links; the article's link is added", field="note"
        )
    if any(unicodedata.category(c)[0] == "C" and c != "\n" for c in note):
        raise ValidationError("the note cannot hold control characters", field="note")
    return note


def span(window: timedelta) -> str:
    hours = int(window.total_seconds() // 3600)
    return "hour" if hours == 1 else "day" if hours == 24 else f"{hours} hours"
