"""URL slugs for headlines in any script: ``"广东省发生地震"`` -> ``"guang-dong-sheng-..."``.

Each script a newsroom publishes in has its own strategy, run by run of that script;
python-slugify (with text-unidecode) then transliterates what is left (Latin,
Cyrillic, Greek, Arabic, …) and normalises the result:

* Chinese Han: Traditional converted to Simplified phrases (OpenCC), then Hanyu Pinyin
  (pypinyin), which reads characters in context (銀行 ``yin-hang``); see ``_chinese``.
* Japanese: modified Hepburn from cutlet and the UniDic dictionary, long vowels folded
  (東京 ``tokyo``); see ``_japanese``. Kanji are read as Japanese when the text has kana
  or the locale is Japanese, and as Mandarin otherwise.
* Korean Hangul: Revised Romanization with its sound changes (see ``_hangul``).
* Thai: dictionary words, each in RTGS (PyThaiNLP); see ``_thai``.
* Devanagari: ISO 15919 folded to ASCII, without the vowels Hindi leaves unspoken
  (भारत ``bharat``); see ``_indic``.

With ``unicode=True`` the native script is kept instead (NFC, lowercase, punctuation
folded to the separator), as many Chinese, Japanese and Arabic sites prefer;
``LocaleSlugifier`` chooses that per locale for the store.

A slug is never empty: text that leaves nothing to write gets ``n-`` and a short hash
of the text, so every headline still has a stable, unique-enough address.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING

from slugify import slugify as _slugify

from newscms.errors import ValidationError
from newscms.utils._chinese import romanize_han
from newscms.utils._hangul import romanize_hangul
from newscms.utils._indic import DEVANAGARI, romanize_devanagari
from newscms.utils._japanese import romanize_japanese
from newscms.utils._thai import THAI, romanize_thai
from newscms.utils.locales import fallback_chain, language_of

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

__all__ = ["DEFAULT_UNICODE_LOCALES", "LocaleSlugifier", "slugify"]

DEFAULT_UNICODE_LOCALES = frozenset({"ar", "fa", "ur", "ps", "ckb", "sd", "ug"})
"""Locales whose slugs ``LocaleSlugifier`` keeps in their own script by default: the
languages written in Arabic script, whose short vowels are unwritten, so no
letter-by-letter romanization reads as the words do (القاهرة would be ``lqhr``)."""

_MIN_LENGTH = 8
_SEPARATORS = ("-", "_")
_FALLBACK_PREFIX = "n"

# Runs of one script. ー and the voicing marks belong to kana; the katakana middle
# dot ・ is punctuation between words (ドナルド・トランプ) and is left out on purpose.
_HAN = "\u3005\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_KANA = "\u3041-\u309f\u30a1-\u30fa\u30fc-\u30ff\u31f0-\u31ff\uff66-\uff9f"
_HANGUL = "\uac00-\ud7a3"
_HAS_KANA = re.compile(f"[{_KANA}]")
# Devanagari words are romanized together, spaces included, like the other runs' words.
_OTHER_RUNS = (
    f"|(?P<hangul>[{_HANGUL}]+)|(?P<thai>[{THAI}]+)"
    f"|(?P<devanagari>[{DEVANAGARI}]+(?: [{DEVANAGARI}]+)*)"
)
# In Japanese text kanji and kana form one run: the dictionary needs the okurigana to
# read the kanji (打った is utta, 打 alone would be read da).
_RUNS = re.compile(f"(?P<japanese>[{_KANA}]+)|(?P<han>[{_HAN}]+){_OTHER_RUNS}")
_JAPANESE_RUNS = re.compile(f"(?P<japanese>[{_HAN}{_KANA}]+){_OTHER_RUNS}")
_STRATEGIES: dict[str, Callable[[str], str]] = {
    "japanese": romanize_japanese,
    "han": romanize_han,
    "hangul": romanize_hangul,
    "thai": romanize_thai,
    "devanagari": romanize_devanagari,
}

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
    text: str,
    *,
    max_length: int = 80,
    separator: str = "-",
    locale: str | None = None,
    unicode: bool = False,
) -> str:
    """Make a lowercase slug of ``text`` for use in a URL.

    The slug never starts or ends with the separator and never repeats it. The same
    arguments always give the same slug.

    Args:
        text: A headline or name in any script; mixed scripts are fine.
        max_length: Longest slug allowed, at least 8. The slug is cut after the last
            whole word that fits, or inside the first word if even that is too long.
        separator: ``"-"`` or ``"_"``, put between words.
        locale: BCP 47 hint for the text's language; ``"ja"`` reads kanji as
            Japanese, ``"zh"`` reads them as Mandarin even beside kana.
        unicode: Keep every script as it is written (NFC, lowercase): the slug holds
            letters, marks and digits of any script. Otherwise it holds only ``a-z``
            and ``0-9``, every script romanized.

    Returns:
        The slug. When nothing in the text can be written (emoji, punctuation, the
        empty string) it is ``n``, the separator and the first hex digits of the SHA-1
        of the NFC-normalized text: ``"n-da39a3ee5e"`` for ``""``.

    Raises:
        ValidationError: ``text`` is not a string, ``max_length`` is below 8 or
            ``separator`` is not ``"-"`` or ``"_"``; ``field`` names the argument.
        LocaleError: ``locale`` is not a valid BCP 47 tag.
    """
    _check_arguments(text, max_length, separator)
    language = language_of(locale) if locale is not None else None
    text = unicodedata.normalize("NFC", text)
    if unicode:
        words = _native_words(text)
    else:
        romanized = " ".join(_romanize_runs(text, language))
        ascii_slug: str = _slugify(
            romanized.translate(_BEFORE_UNIDECODE),
            separator=" ",
            # Pinned, not "auto": installing Unidecode must not change existing slugs.
            backend="text-unidecode",
        )
        words = ascii_slug.split()
    return _join_within(words, max_length, separator) or _fallback(text, max_length, separator)


class LocaleSlugifier:
    """A store slugifier, ``(text, locale) -> slug``, with Unicode slugs for some locales.

    Pass one to ``Store(slugifier=...)``. A locale is kept in its own script when it or
    a less specific form of it is listed (``"zh-Hant"`` covers ``zh-Hant-TW``; ``"ar"``
    covers ``ar-EG``); every other locale is romanized. Results are cached: a site's
    tag names recur in every batch of an import.

    Args:
        unicode_locales: Locales whose slugs keep their script; by default the
            languages written in Arabic script (``DEFAULT_UNICODE_LOCALES``). Pass
            ``()`` to romanize everything.
        max_length: Longest slug, as for ``slugify``.
        separator: As for ``slugify``.

    Raises:
        ValidationError: ``max_length`` or ``separator`` is refused by ``slugify``.
        LocaleError: A listed locale is not a valid BCP 47 tag.
    """

    def __init__(
        self,
        *,
        unicode_locales: Iterable[str] = DEFAULT_UNICODE_LOCALES,
        max_length: int = 80,
        separator: str = "-",
    ) -> None:
        _check_arguments("", max_length, separator)
        self.unicode_locales = frozenset(fallback_chain(loc)[0] for loc in unicode_locales)
        self.max_length = max_length
        self.separator = separator
        self._cached = lru_cache(maxsize=8192)(self._slug)

    def __call__(self, text: str, locale: str) -> str:
        """The slug of ``text`` written in ``locale``."""
        return self._cached(text, locale)

    def is_unicode(self, locale: str) -> bool:
        """Whether slugs of ``locale`` keep their script."""
        return not self.unicode_locales.isdisjoint(fallback_chain(locale)[:-1])

    def _slug(self, text: str, locale: str) -> str:
        return slugify(
            text,
            max_length=self.max_length,
            separator=self.separator,
            locale=locale,
            unicode=self.is_unicode(locale),
        )


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
        assert match.lastgroup is not None
        yield _STRATEGIES[match.lastgroup](match.group())
        position = match.end()
    yield text[position:]


def _native_words(text: str) -> list[str]:
    """The words of ``text`` in its own script: runs of letters, marks and digits, lowercase."""
    words: list[str] = []
    word: list[str] = []
    for char in text.lower():
        if unicodedata.category(char)[0] in "LMN" and char != "_":
            word.append(char)
        elif word:
            words.append("".join(word))
            word = []
    if word:
        words.append("".join(word))
    return words


def _join_within(words: list[str], max_length: int, separator: str) -> str:
    """As many whole words as fit in ``max_length``; the first word cut if it alone is too long."""
    if not words:
        return ""
    slug = words[0][:max_length]
    for word in words[1:]:
        if len(slug) + len(separator) + len(word) > max_length:
            break
        slug += separator + word
    return slug


def _fallback(text: str, max_length: int, separator: str) -> str:
    """A stable slug for text with nothing to transliterate: a prefix and a hash."""
    # surrogatepass: a str may hold lone surrogates, and those must hash, not raise.
    data = text.encode("utf-8", "surrogatepass")
    digest = hashlib.sha1(data, usedforsecurity=False).hexdigest()
    prefix = _FALLBACK_PREFIX + separator
    return prefix + digest[: min(10, max_length - len(prefix))]
