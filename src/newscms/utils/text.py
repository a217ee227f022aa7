"""One definition of "text newscms can store and print": no controls, no broken Unicode.

Legacy pages and feeds carry stray control characters, byte-order marks in the middle
of concatenated files, C1 controls from mis-decoded Windows-1252, and lone surrogates
from broken decoders. None of them survives XML, a UTF-8 database column or a terminal,
so everything newscms stores and writes is passed through ``clean_text`` first.
"""

from __future__ import annotations

import re

__all__ = ["clean_text"]

# Controls that separate words (vertical tab, form feed, next line, ...) become spaces;
# the other C0/C1 controls, DEL, the BOM and the two noncharacters go. Tab, newline and
# carriage return stay: they are text.
_TRANSLATION: dict[int, str | None] = {
    code: " " if chr(code).isspace() else None
    for code in (*range(0x20), *range(0x7F, 0xA0))
    if code not in (0x09, 0x0A, 0x0D)
}
_TRANSLATION |= {0xFEFF: None, 0xFFFE: None, 0xFFFF: None}
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """``text`` made storable everywhere: fit for XML 1.0, UTF-8 and every database.

    Controls are dropped (the word-separating ones become spaces) and lone surrogates
    become U+FFFD.
    """
    if text.isascii() and text.isprintable():  # the common case, and a fast one
        return text
    return _LONE_SURROGATE.sub("\ufffd", text.translate(_TRANSLATION))
