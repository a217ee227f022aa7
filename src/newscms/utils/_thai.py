"""Thai, written without spaces between words: syllables for search, RTGS for slugs.

PyThaiNLP (Apache-2.0) does both, from its dictionaries:

* ``thai_syllables`` splits a run of Thai into syllables (``กรุงเทพมหานคร`` →
  ``กรุง เทพ มหา นคร``). The search index holds them, so a word is a phrase of its
  syllables and is found inside a longer compound (``กรุงเทพ`` in ``กรุงเทพมหานคร``)
  as inside a sentence; index and query are split by the same function.
* ``romanize_thai`` writes a run in the Royal Thai General System (RTGS, the "royin"
  engine): one word of the slug per dictionary word, each romanized syllable by
  syllable, which reads compounds the engine misreads whole (มหานคร is ``mahanakhon``
  by syllables, ``mhankn`` whole). Two RTGS rules are applied before the engine sees
  a syllable: a silent ห leading a sonorant (ใหม่ ``mai``, เหนือ ``nuea``) is dropped,
  and a final stop consonant is written ``t`` (ประกาศ ``prakat``).
"""

from __future__ import annotations

import re

__all__ = ["THAI", "romanize_thai", "thai_syllables"]

THAI = "\u0e01-\u0e5b"
"""The Thai block's letters, marks and digits."""

# ห with no vowel of its own before a sonorant only marks the tone (ห นำ): หมา is ma.
# After a consonant it is a syllable of its own (สหรัฐ sa-ha-rat) and is kept.
_LEADING_HO = re.compile(
    "(?<![\u0e01-\u0e2e])\u0e2b(?=[\u0e07\u0e0d\u0e19\u0e21\u0e22\u0e23\u0e25\u0e27])"
)
# Final consonants RTGS writes t (จ ช ซ ฌ ฎ ฏ ฐ ฑ ฒ ด ต ถ ท ธ ศ ษ ส), maybe silenced
# letters after them (ราษฎร์): the engine spells some of them by their initial sound.
_FINAL_T = re.compile(
    "[\u0e08\u0e0a\u0e0b\u0e0c\u0e0e-\u0e12\u0e14-\u0e18\u0e28-\u0e2a](?:[\u0e01-\u0e2e]\u0e4c)?$"
)


def thai_syllables(run: str) -> list[str]:
    """The syllables of a run of Thai letters, in order; they concatenate to ``run``."""
    from pythainlp.tokenize import syllable_tokenize

    syllables: list[str] = syllable_tokenize(run, engine="dict", keep_whitespace=False)
    return syllables


def romanize_thai(run: str) -> str:
    """RTGS of a run of Thai, one word of the slug per dictionary word."""
    from pythainlp.tokenize import word_tokenize

    words: list[str] = word_tokenize(run, engine="newmm", keep_whitespace=False)
    return " ".join("".join(_syllable(s) for s in thai_syllables(word)) for word in words)


def _syllable(syllable: str) -> str:
    from pythainlp.transliterate import romanize

    roman: str = romanize(_LEADING_HO.sub("", syllable), engine="royin")
    if roman[-1:] in ("s", "d") and _FINAL_T.search(syllable):
        roman = roman[:-1] + "t"
    return roman
