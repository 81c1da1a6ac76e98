"""Comparing headings and answers as people type them, not byte for byte.

Platforms re-type question text: curly quotes, doubled spaces, a trailing "?" or ".",
a different case. :func:`normalise` folds those away; :func:`loose` goes further (letters
and digits only) for answer codes such as KoboToolbox's ``strongly_agree``.
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
