"""Comparing headings and answers as people type them, not byte for byte.

Platforms re-type question text: curly quotes, doubled spaces, a trailing "?" or ".",
a different case. :func:`normalise` folds those away for headings and names;
:func:`loose` goes further (letters and digits only) for audience and workforce group
names. Answers are matched far more strictly (:func:`answer_key`): an answer is a value
on the scale, so nothing that could change its meaning (a sign, a bracket, punctuation,
a digit) is ever dropped.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

_FOLD = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
})
_SPACE = re.compile(r"\s+")
_TRAILING = re.compile(r"[\s.?!:;,*]+$")
_WHOLE_NUMBER = re.compile(r"^[+-]?\d+\.0*$")
_NOT_ALNUM = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """Case, whitespace, smart quotes, dashes and trailing punctuation folded away."""
    text = unicodedata.normalize("NFKC", text).translate(_FOLD).casefold()
    text = _SPACE.sub(" ", text).strip()
    text = _TRAILING.sub("", text)
    if _WHOLE_NUMBER.match(text):  # a spreadsheet's 4.0 is the answer 4
        text = str(int(float(text)))
    return text


_INNER_UNDERSCORES = re.compile(r"(?<=[^\W_])_+(?=[^\W_])")  # between letters or digits
_APOSTROPHES = re.compile(r"['\u2018\u2019\u201b\u2032`]")
_NOT_WORD = re.compile(r"[\W_]+")


def answer_key(text: str) -> str:
    """An answer as it is compared: case, surrounding and repeated spaces, curly quotes
    and dashes folded, and KoboToolbox's underscore for a space (``strongly_agree``);
    nothing else. ``-1``, ``+2``, ``(3)``, ``5!``, ``_1`` and ``4.0`` keep what sets
    them apart from ``1``, ``2``, ``3``, ``5``, ``1`` and ``4``."""
    text = _INNER_UNDERSCORES.sub(" ", text.translate(_FOLD).casefold())
    return _SPACE.sub(" ", text).strip()


def choice_name_keys(label: str) -> set[str]:
    """The keys of the choice names an XLSForm tool makes from ``label`` (an XML name
    holds no apostrophe or punctuation: "Don't know" becomes ``dont_know`` or
    ``don_t_know``), for labels with letters; compared as :func:`answer_key` does."""
    if not any(c.isalpha() for c in label):
        return set()
    keys = {answer_key(_NOT_WORD.sub(" ", _APOSTROPHES.sub(gap, label))) for gap in ("", " ")}
    return keys - {answer_key(label), ""}


def loose(text: str) -> str:
    """Letters and digits only: ``Don't know``, ``dont_know`` and ``DONT KNOW`` agree."""
    return _NOT_ALNUM.sub("", normalise(text))


def nearest(word: str, choices: Iterable[str], n: int = 3, cutoff: float = 0.5) -> list[str]:
    """Up to ``n`` choices closest to ``word`` (compared normalised), best first."""
    choices = list(dict.fromkeys(choices))
    keys = {normalise(c): c for c in choices}
    matches = difflib.get_close_matches(normalise(word), list(keys), n=n, cutoff=cutoff)
    return [keys[m] for m in matches]


def shorten(text: str, width: int = 60) -> str:
    """``text`` cut to ``width`` characters with an ellipsis, for messages."""
    text = _SPACE.sub(" ", text).strip()
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str, fallback: str = "responses") -> str:
    """A safe file-name stem: lower-case letters, digits and ``-``."""
    value = _SLUG.sub("-", unicodedata.normalize("NFKD", text).encode("ascii", "ignore")
                      .decode().lower()).strip("-")
    return value[:60].strip("-") or fallback
