"""Devanagari in ISO 15919 folded to ASCII, with Hindi's unwritten vowels left out.

Every Devanagari consonant carries an inherent ``a`` that Hindi does not pronounce at
the end of a word or between a vowel-consonant and a consonant-vowel: भारत is spoken
Bhārat, not Bhārata, and प्रधानमंत्री pradhānmantrī. Readers expect the spoken form
(``bharat``, ``pradhanmantri``), so the deleted vowels are marked first, by writing a
virama on their consonants (the rule of Narasimhan et al., *Schwa-deletion in Hindi
text-to-speech synthesis*, 2004: right to left, a schwa in the context VC_CV goes, a
final one goes in words of two or more syllables unless it ends a cluster with a
semivowel, a nasalized one stays). The
transliteration itself is indic-transliteration's (MIT), ISO 15919, which is then
folded to ASCII the way Hindi news sites write it: marks off, ś ṣ ``sh``, c ``ch``
(so छ ch is ``chh``), the vowel r̥ ``ri``, ड़ ṛ ``d``, anusvara ``n`` (``m`` before a
labial).
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

__all__ = ["DEVANAGARI", "romanize_devanagari"]

DEVANAGARI = "\u0900-\u0963\u0966-\u097f"
"""The Devanagari block less the danda punctuation."""

_VIRAMA = "\u094d"
_SEMIVOWELS = frozenset("यरलव")
_NUKTA = "\u093c"
_NASALS = frozenset("\u0901\u0902")  # candrabindu, anusvara
_CONSONANT = re.compile("[\u0915-\u0939\u0958-\u095f\u0978-\u097f]\u093c?")
_SIGNS = frozenset(chr(c) for c in range(0x093E, 0x094D)) | {"\u0962", "\u0963"}

# ISO 15919 to ASCII, longest first where one spelling contains another.
_FOLDS = (
    ("r̥̄", "ri"),
    ("r̥", "ri"),
    ("l̥", "li"),
    ("ṛh", "dh"),
    ("ṛ", "d"),
    ("ś", "sh"),
    ("ṣ", "sh"),
    ("m̐", "n"),
    ("ṁ", "n"),
)
_CH = re.compile("c(h?)")
_ANUSVARA = re.compile("ṁ(?=[pbm])")


class _Unit(NamedTuple):
    consonant: str  # "" for an independent vowel
    vowel: str  # "a" inherent, "-" none (virama), else the vowel sign or letter
    tail: str  # anusvara, candrabindu, visarga following it


def romanize_devanagari(run: str) -> str:
    """ASCII romanization of a run of Devanagari words (see the module docstring)."""
    from indic_transliteration import sanscript

    spoken = " ".join(_without_schwas(word) for word in run.split(" "))
    iso: str = sanscript.transliterate(spoken, sanscript.DEVANAGARI, sanscript.ISO)
    iso = _ANUSVARA.sub("m", unicodedata.normalize("NFC", iso))
    for spelled, ascii_ in _FOLDS:
        iso = iso.replace(spelled, ascii_)
    iso = _CH.sub(lambda m: "chh" if m.group(1) else "ch", iso)
    decomposed = unicodedata.normalize("NFD", iso)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _units(word: str) -> list[_Unit] | None:
    """The word as consonant-vowel units, or None when it is not plain Devanagari."""
    units: list[_Unit] = []
    at = 0
    while at < len(word):
        consonant = _CONSONANT.match(word, at)
        if consonant is not None:
            at = consonant.end()
            vowel = "a"
            if at < len(word) and (word[at] == _VIRAMA or word[at] in _SIGNS):
                vowel = "-" if word[at] == _VIRAMA else word[at]
                at += 1
            head = consonant.group()
        elif "\u0904" <= word[at] <= "\u0914" or word[at] in "\u0960\u0961":
            head, vowel = "", word[at]
            at += 1
        else:
            return None
        tail = ""
        while at < len(word) and (word[at] in _NASALS or word[at] == "\u0903"):
            tail += word[at]
            at += 1
        units.append(_Unit(head, vowel, tail))
    return units


def _without_schwas(word: str) -> str:
    """``word`` with a virama on every consonant whose inherent vowel Hindi drops."""
    units = _units(word)
    if not units:
        return word
    vowels = [unit.vowel != "-" for unit in units]
    syllables = sum(vowels)
    last = len(units) - 1
    for index in range(last, -1, -1):
        unit = units[index]
        if unit.vowel != "a" or unit.tail or not unit.consonant:
            continue
        if index == last:
            # ...but not after a cluster ending in a semivowel, where it is spoken:
            # क्षेत्र kshetra, विश्व vishva (लॉन्च launch, धर्म dharm lose it).
            drop = syllables > 1 and not (
                units[index - 1].vowel == "-" and unit.consonant in _SEMIVOWELS
            )
        else:
            before = index > 0 and vowels[index - 1]
            after = vowels[index + 1] and bool(units[index + 1].consonant)
            drop = before and after
        if drop:
            vowels[index] = False
            units[index] = _Unit(unit.consonant, "-", "")
    return "".join(_written(unit) for unit in units)


def _written(unit: _Unit) -> str:
    """One unit back in Devanagari."""
    if not unit.consonant:
        return unit.vowel + unit.tail
    sign = {"a": "", "-": _VIRAMA}.get(unit.vowel, unit.vowel)
    return unit.consonant + sign + unit.tail
