"""Japanese in modified Hepburn with long vowels folded: 東京 ``tokyo``, 大阪市長 ``osaka shicho``.

cutlet (MIT) reads the text with MeCab (fugashi, MIT/BSD) and the UniDic dictionary
shipped by unidic-lite (MIT/BSD), so kanji are read as words in context, not character
by character, and particles are written as spoken (は ``wa``, へ ``e``). Two rules of
modified Hepburn as news slugs write it are applied on top of its output:

* を is ``o``, not cutlet's ``wo``;
* a long vowel is written once (東京 Tōkyō is ``tokyo``, 首相 shushō ``shusho``,
  ラーメン ``ramen``): where UniDic's pronunciation marks a word's vowel long
  (``ー``), the doubled spelling cutlet writes (``ou``, ``oo``, ``uu``, ``aa``, …)
  loses its second letter. A word without a long vowel keeps its spelling, so 思う
  stays ``omou`` and 辞意 ``jii``.

The dictionary is pinned to unidic-lite by path: a full ``unidic`` installed beside
it would read some words differently and so change new slugs.
"""

from __future__ import annotations

import os
import re
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cutlet import Cutlet

__all__ = ["romanize_japanese"]

# The doubled spelling of a long vowel (ou for long o, aa in katakana ラーメン); ei is
# written out in modified Hepburn and is left alone.
_LONG_VOWELS = re.compile(r"(?<=o)u|(?<=([aeiou]))\1")
_LONG_MARK = "ー"


def romanize_japanese(text: str) -> str:
    """Hepburn of a run of Japanese, words separated by spaces as cutlet separates them."""
    from cutlet.cutlet import normalize_text

    katsu = _cutlet()
    words = katsu.tagger(normalize_text(text))
    out: list[str] = []
    for word, token in zip(words, katsu.romaji_tokens(words, capitalize=False), strict=True):
        roma: str = token.surface
        if _LONG_MARK in (getattr(word.feature, "pron", None) or ""):
            roma = _LONG_VOWELS.sub("", roma)
        out.append(roma + (" " if token.space else ""))
    return "".join(out)


@cache
def _cutlet() -> Cutlet:
    """The romanizer, built on first use: loading the dictionary takes ~0.1 s."""
    import unidic_lite
    from cutlet import Cutlet

    dicdir = unidic_lite.DICDIR
    mecabrc = os.path.join(dicdir, "mecabrc")
    katsu = Cutlet(
        "hepburn", use_foreign_spelling=False, mecab_args=f'-d "{dicdir}" -r "{mecabrc}"'
    )
    katsu.use_wo = False  # を is o in modified Hepburn
    return katsu
