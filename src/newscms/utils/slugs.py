"""URL slugs for headlines in any script: ``"广东省发生地震"`` -> ``"guang-dong-sheng-..."``.

python-slugify (with text-unidecode) does the final normalisation and transliterates
Latin, Cyrillic, Greek, Arabic and everything else. Its character-by-character tables
are wrong for three scripts, so those are romanized first, run by run:

* Chinese Han: Hanyu Pinyin by pypinyin, which reads characters in context
  (银行 ``yin-hang``, not ``yin-xing``); one syllable per word of the slug.
* Japanese: Hepburn by pykakasi, word by word. Kanji are read as Japanese when the
  text has kana or the locale is Japanese, and as Mandarin otherwise.
* Korean Hangul: Revised Romanization with its sound changes (see ``_hangul``).

A slug is never empty: text that leaves nothing to write gets ``n-`` and a short hash
of the text, so every headline still has a stable, unique-enough address.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import cache
from typing import TYPE_CHECKING

from slugify import slugify as _slugify

from newscms.errors import ValidationError
from newscms.utils._hangul import romanize_hangul
from newscms.utils.locales import language_of

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pykakasi import Kakasi

__all__ = ["slugify"]

_MIN_LENGTH = 8
_SEPARATORS = ("-", "_")
_FALLBACK_PREFIX = "n"

# Runs of one script. ー and the voicing marks belong to kana; the katakana middle
# dot ・ is punctuation between words (ドナルド・トランプ) and is left out on purpose.
_HAN = "\u3005\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_KANA = "\u3041-\u309f\u30a1-\u30fa\u30fc-\u30ff\u31f0-\u31ff\uff66-\uff9f"
_HANGUL = "\uac00-\ud7a3"
_HAS_KANA = re.compile(f"[{_KANA}]")
# In Japanese text kanji and kana form one run: pykakasi needs the okurigana to read
# the kanji (打った is utta, 打 alone would be read da).
_RUNS = re.compile(f"(?P<japanese>[{_KANA}]+)|(?P<han>[{_HAN}]+)|(?P<hangul>[{_HANGUL}]+)")
_JAPANESE_RUNS = re.compile(f"(?P<japanese>[{_HAN}{_KANA}]+)|(?P<hangul>[{_HANGUL}]+)")

# Hepburn writes these particles as they are spoken; pykakasi spells them by kana.
# Matched only as whole pykakasi items, where they can only be particles.
_PARTICLES = {"は": "wa", "へ": "e", "を": "o", "では": "dewa", "には": "niwa", "とは": "towa"}
_SOKUON = "っ"
_GEMINABLE = frozenset("bcdfghjkmprstvwz")

_BEFORE_UNIDECODE = str.maketrans(
    {
        # python-slugify splits words at a straight apostrophe but deletes a curly one
        # after transliterating; fold them so typographic and typewriter apostrophes
        # give the same slug (L'Italia is l-italia either way).
        "\u2018": "'",
        "\u2019": "'",
        "\u02bc": "'",
        # text-unidecode writes the Arabic ain as a backtick, which would split the word
        # in two; drop it like the hamza, as ASCII transcriptions usually do.
        "\u0639": None,
    }
)


def slugify(
    text: str, *, max_length: int = 80, separator: str = "-", locale: str | None = None
) -> str:
    """Make a lowercase ASCII slug of ``text`` for use in a URL.

    The slug holds only ``a-z``, ``0-9`` and ``separator``, never starts or ends with
    the separator and never repeats it. The same arguments always give the same slug.

    Args:
        text: A headline or name in any script; mixed scripts are fine.
        max_length: Longest slug allowed, at least 8. The slug is cut after the last
            whole word that fits, or inside the first word if even that is too long.
        separator: ``"-"`` or ``"_"``, put between words.
        locale: BCP 47 hint for the text's language; ``"ja"`` reads kanji as
            Japanese, ``"zh"`` reads them as Mandarin even beside kana.

    Returns:
        The slug. When nothing in the text can be written in ASCII (emoji,
        punctuation, the empty string) it is ``n``, the separator and the first hex
        digits of the SHA-1 of the NFC-normalized text: ``"n-da39a3ee5e"`` for ``""``.

    Raises:
        ValidationError: ``text`` is not a string, ``max_length`` is below 8 or
            ``separator`` is not ``"-"`` or ``"_"``; ``field`` names the argument.
        LocaleError: ``locale`` is not a valid BCP 47 tag.
    """
    _check_arguments(text, max_length, separator)
    language = language_of(locale) if locale is not None else None
    text = unicodedata.normalize("NFC", text)
    romanized = " ".join(_romanize_runs(text, language))
    slug: str = _slugify(
        romanized.translate(_BEFORE_UNIDECODE),
        max_length=max_length,
        word_boundary=True,
        # Without save_order an over-long first word is skipped and later words kept.
        save_order=True,
        separator=separator,
        # Pinned, not "auto": installing Unidecode must not change existing slugs.
        backend="text-unidecode",
    )
    return slug or _fallback(text, max_length, separator)


def _check_arguments(text: object, max_length: object, separator: object) -> None:
    """Refuse arguments that would make a slug that breaks the documented shape."""
    if not isinstance(text, str):
        raise ValidationError(f"text must be a string, not {type(text).__name__}", field="text")
    if isinstance(max_length, bool) or not isinstance(max_length, int):
        raise ValidationError("max_length must be an integer", field="max_length")
    if max_length < _MIN_LENGTH:
        raise ValidationError(f"max_length must be at least {_MIN_LENGTH}", field="max_length")
    if separator not in _SEPARATORS:
        raise ValidationError(
            f"separator must be one of {', '.join(_SEPARATORS)}, not {separator!r}",
            field="separator",
        )


def _romanize_runs(text: str, language: str | None) -> Iterator[str]:
    """Yield ``text`` in pieces, each script run romanized by its own strategy."""
    japanese = language == "ja" or (language != "zh" and _HAS_KANA.search(text) is not None)
    position = 0
    for match in (_JAPANESE_RUNS if japanese else _RUNS).finditer(text):
        yield text[position : match.start()]
        run = match.group()
        if match.lastgroup == "hangul":
            yield romanize_hangul(run)
        elif match.lastgroup == "japanese":
            yield _hepburn(run)
        else:
            yield _pinyin(run)
        position = match.end()
    yield text[position:]


def _pinyin(run: str) -> str:
    """Hanyu Pinyin of a run of Han characters, one syllable per word, tones dropped."""
    # ü is written u (女足 nu-zu, 吕 lu), as English-language news prints it; the
    # input-method spelling "nv" reads as noise and Unicode ü would fold to u anyway.
    # Imported here: pypinyin's phrase tables cost half a second and ~50 MB, which a
    # process that never slugifies Chinese should not pay.
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(run, style=Style.NORMAL, v_to_u=True)
    return " ".join(syllables).replace("ü", "u")


def _hepburn(run: str) -> str:
    """Hepburn romanization of a run of Japanese, one word per pykakasi segment."""
    words: list[str] = []
    glue = False  # the previous segment ended in a small tsu that doubles this consonant
    for item in _kakasi().convert(run):
        word: str = _PARTICLES.get(item["orig"], item["hepburn"])
        if glue and word[:1] in _GEMINABLE:
            # pykakasi cuts 勝った as 勝っ + た and spells the small tsu "tsu";
            # Hepburn doubles the next consonant instead (katta; ch becomes tch).
            double = "t" if word.startswith("ch") else word[0]
            words[-1] = words[-1].removesuffix("tsu") + double + word
        else:
            words.append(word)
        glue = item["hira"].endswith(_SOKUON) and item["hepburn"].endswith("tsu")
    return " ".join(words)


@cache
def _kakasi() -> Kakasi:
    """The pykakasi converter, built on first use: loading its dictionaries is slow."""
    from pykakasi import Kakasi

    return Kakasi()  # type: ignore[no-untyped-call]  # pykakasi leaves __init__ unannotated


def _fallback(text: str, max_length: int, separator: str) -> str:
    """A stable slug for text with nothing to transliterate: a prefix and a hash."""
    # surrogatepass: a str may hold lone surrogates, and those must hash, not raise.
    data = text.encode("utf-8", "surrogatepass")
    digest = hashlib.sha1(data, usedforsecurity=False).hexdigest()
    prefix = _FALLBACK_PREFIX + separator
    return prefix + digest[: min(10, max_length - len(prefix))]
