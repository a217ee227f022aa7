"""Korean Hangul in the Revised Romanization of Korean (RR, Ministry of Culture, 2000).

RR spells Korean as it is pronounced, not letter by letter, so a syllable cannot be
romanized alone: the final consonant of one syllable and the initial of the next
change each other (독립 is pronounced 동닙 and written ``dongnip``). Each precomposed
syllable is split arithmetically into initial, vowel and final; every boundary between
two syllables of a word is then rewritten by the sound-change rules RR transcribes:

* liaison: a final moves onto a following silent ``ㅇ`` (한국어 ``hangugeo``), with
  palatalization of ``ㄷ``/``ㅌ`` before ``이`` (같이 ``gachi``);
* nasalization: ``k t p`` become ``ng n m`` before ``ㄴ``/``ㅁ`` (백마 ``baengma``);
* ``ㄹ`` is read ``ㄴ`` after any final but ``ㄴ``/``ㄹ`` (종로 ``jongno``), and
  ``ㄴ``/``ㄹ`` meeting ``ㄹ`` give ``ll`` (신라 ``silla``);
* aspiration of ``ㄱ ㄷ ㅈ ㅂ`` after a final ``ㅎ`` (좋고 ``joko``).

Tense consonants are not written (압구정 ``apgujeong``), as RR prescribes. A word is a
run of Hangul syllables; rules never cross a space or any other character. Changes that
depend on the word rather than the letters are not made, since they need a dictionary:
ㄴ insertion (알약 is ``aryak`` here, ``allyak`` in RR), ㄴ+ㄹ read ``nn`` in some
compounds (생산량), and aspiration after ㄱ ㄷ ㅂ in verbs (see ``_boundary``).
"""

from __future__ import annotations

import re
from itertools import pairwise

__all__ = ["romanize_hangul"]

_SYLLABLE_BASE = 0xAC00
_MEDIAL_COUNT = 21
_FINAL_COUNT = 28

# Jamo in Unicode order, so a syllable's index arithmetic picks them directly.
_INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_FINALS = ("", *"ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ")

_VOWELS = (
    "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae",
    "oe", "yo", "u", "wo", "we", "wi", "yu", "eu", "ui", "i",
)  # fmt: skip
_VOWEL_I = _VOWELS.index("i")

# Initials are written g, d, b, j even where they sound voiceless: RR ignores voicing.
_ONSETS = {
    "ㄱ": "g", "ㄲ": "kk", "ㄴ": "n", "ㄷ": "d", "ㄸ": "tt", "ㄹ": "r", "ㅁ": "m",
    "ㅂ": "b", "ㅃ": "pp", "ㅅ": "s", "ㅆ": "ss", "ㅇ": "", "ㅈ": "j", "ㅉ": "jj",
    "ㅊ": "ch", "ㅋ": "k", "ㅌ": "t", "ㅍ": "p", "ㅎ": "h",
}  # fmt: skip

# Before a consonant or at the end of a word only seven sounds survive (닭 dak, 옷 ot).
_CODA_SOUND = {
    "ㄱ": "ㄱ", "ㄲ": "ㄱ", "ㅋ": "ㄱ", "ㄳ": "ㄱ", "ㄺ": "ㄱ",
    "ㄴ": "ㄴ", "ㄵ": "ㄴ", "ㄶ": "ㄴ",
    "ㄷ": "ㄷ", "ㅅ": "ㄷ", "ㅆ": "ㄷ", "ㅈ": "ㄷ", "ㅊ": "ㄷ", "ㅌ": "ㄷ", "ㅎ": "ㄷ",
    "ㄹ": "ㄹ", "ㄼ": "ㄹ", "ㄽ": "ㄹ", "ㄾ": "ㄹ", "ㅀ": "ㄹ",
    "ㅁ": "ㅁ", "ㄻ": "ㅁ",
    "ㅂ": "ㅂ", "ㅍ": "ㅂ", "ㅄ": "ㅂ", "ㄿ": "ㅂ",
    "ㅇ": "ㅇ",
}  # fmt: skip
_CODAS = {"ㄱ": "k", "ㄴ": "n", "ㄷ": "t", "ㄹ": "l", "ㅁ": "m", "ㅂ": "p", "ㅇ": "ng"}

# Before a vowel a final is pronounced as the next syllable's initial: (stays, moves).
# ㅇ is a real sound (ng) and stays; ㅎ falls silent between vowels (좋아 joa).
_LIAISON = {
    "ㅇ": ("ㅇ", "ㅇ"), "ㅎ": ("", "ㅇ"), "ㄶ": ("", "ㄴ"), "ㅀ": ("", "ㄹ"),
    "ㄳ": ("ㄱ", "ㅅ"), "ㄵ": ("ㄴ", "ㅈ"), "ㄺ": ("ㄹ", "ㄱ"), "ㄻ": ("ㄹ", "ㅁ"),
    "ㄼ": ("ㄹ", "ㅂ"), "ㄽ": ("ㄹ", "ㅅ"), "ㄾ": ("ㄹ", "ㅌ"), "ㄿ": ("ㄹ", "ㅍ"),
    "ㅄ": ("ㅂ", "ㅅ"),
}  # fmt: skip
_PALATALIZED = {"ㄷ": "ㅈ", "ㅌ": "ㅊ"}

# A final ㅎ (alone or in ㄶ ㅀ) merges into the next plain stop: 좋고 joko, 많다 manta.
_HIEUT_FINALS = {"ㅎ": "", "ㄶ": "ㄴ", "ㅀ": "ㄹ"}
_ASPIRATED = {"ㄱ": "ㅋ", "ㄷ": "ㅌ", "ㅈ": "ㅊ", "ㅂ": "ㅍ", "ㅅ": "ㅆ"}

_NASALIZED = {"ㄱ": "ㅇ", "ㄷ": "ㄴ", "ㅂ": "ㅁ"}

_WORD = re.compile("[\uac00-\ud7a3]+")


def _boundary(final: str, initial: str, vowel: int) -> tuple[str, str]:
    """Romanize the final of one syllable and the initial of the next, as pronounced."""
    if not final:
        return "", _ONSETS[initial]
    if initial == "ㅇ":
        stays, moves = _LIAISON.get(final, ("", final))
        if vowel == _VOWEL_I:
            moves = _PALATALIZED.get(moves, moves)
        return _coda(stays), _ONSETS[moves]
    if final in _HIEUT_FINALS:
        if initial in _ASPIRATED:
            return _coda(_HIEUT_FINALS[final]), _ONSETS[_ASPIRATED[initial]]
        final = _HIEUT_FINALS[final] or "ㄷ"
    sound = _CODA_SOUND[final]
    if initial == "ㅎ":
        # RR writes aspiration in verbs (잡혀 japyeo) but keeps ㅎ after ㄱ ㄷ ㅂ in
        # nouns (묵호 Mukho, 북한 Bukhan); headlines are mostly nouns, so keep it.
        return _CODAS[sound], "h"
    if initial in "ㄴㄹ" and sound in "ㄴㄹ" and "ㄹ" in (initial, sound):
        return "l", "l"
    if initial == "ㄹ":
        initial = "ㄴ"
    if initial in "ㄴㅁ":
        sound = _NASALIZED.get(sound, sound)
    return _CODAS[sound], _ONSETS[initial]


def _coda(final: str) -> str:
    """Romanize a final at the end of a word, or what is left of it before a vowel."""
    return _CODAS[_CODA_SOUND[final]] if final else ""


def _romanize_word(word: str) -> str:
    """Romanize one run of Hangul syllables, applying the rules at every boundary."""
    syllables = []
    for char in word:
        index = ord(char) - _SYLLABLE_BASE
        initial, rest = divmod(index, _MEDIAL_COUNT * _FINAL_COUNT)
        vowel, final = divmod(rest, _FINAL_COUNT)
        syllables.append((_INITIALS[initial], vowel, _FINALS[final]))
    parts = [_ONSETS[syllables[0][0]]]
    for (_, vowel, final), (next_initial, next_vowel, _) in pairwise(syllables):
        coda, onset = _boundary(final, next_initial, next_vowel)
        parts += [_VOWELS[vowel], coda, onset]
    _, last_vowel, last_final = syllables[-1]
    parts += [_VOWELS[last_vowel], _coda(last_final)]
    return "".join(parts)


def romanize_hangul(text: str) -> str:
    """Romanize the Hangul in ``text`` by the Revised Romanization of Korean.

    Each run of Hangul syllables is one word, romanized with the sound changes RR
    transcribes (``"독립문"`` -> ``"dongnimmun"``); everything else, including spaces,
    Latin, digits and isolated jamo, is returned unchanged. The output is lowercase
    and has no hyphens between syllables.

    Args:
        text: Any text; only precomposed syllables (U+AC00 to U+D7A3) are converted,
            so normalize decomposed Hangul to NFC first.

    Returns:
        ``text`` with every Hangul word replaced by its romanization.
    """
    return _WORD.sub(lambda match: _romanize_word(match.group()), text)
