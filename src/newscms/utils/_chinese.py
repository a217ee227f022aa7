"""Chinese in Hanyu Pinyin, Traditional characters read as their Simplified phrases.

pypinyin (MIT) reads characters in context from a phrase dictionary, but its phrases
are Simplified: in 香港銀行業 the polyphone 行 of 銀行 would be read alone (``xing``),
while 银行 is ``yin hang``. So a run is first converted to Simplified by OpenCC
(Apache-2.0) with its phrase tables (``t2s``: 臺灣 → 台湾, 乾隆 stays 乾隆), then read.
Simplified text is left as it is by the conversion, so one path serves both.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from opencc import OpenCC

__all__ = ["romanize_han"]


def romanize_han(run: str) -> str:
    """Hanyu Pinyin of a run of Han characters, one syllable per word, tones dropped."""
    # Imported here: pypinyin's phrase tables cost half a second and ~50 MB, which a
    # process that never slugifies Chinese should not pay.
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(_simplified(run), style=Style.NORMAL, v_to_u=True)
    # ü is written u (女足 nu-zu, 吕 lu), as English-language news prints it; the
    # input-method spelling "nv" reads as noise and Unicode ü would fold to u anyway.
    return " ".join(syllables).replace("ü", "u")


def _simplified(run: str) -> str:
    converted: str = _converter().convert(run)
    return converted


@cache
def _converter() -> OpenCC:
    """OpenCC's Traditional-to-Simplified converter, built on first use."""
    from opencc import OpenCC

    return OpenCC("t2s")
