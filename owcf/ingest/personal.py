"""Personal data in exports: recognised by a column's heading and by its values, dropped
or taken out, never written anywhere.

* By heading (:func:`is_personal_heading`, :func:`asks_for_personal_data`): a column
  named as personal data ("Email", "full_name", "ip_address", "Your name (optional)"), or
  a question asking for it ("What is your email address?").
* By values (:func:`personal_kinds`): email addresses, phone numbers, IP addresses and
  UK postcodes in a column owcf does not otherwise use: such a column is dropped whole.
* In free text (:func:`redact`, :func:`redact_array`): the same kinds taken out of
  comments, as the report has always done for the comments it quotes; a comment column
  whose entries are mostly nothing but such data is dropped instead.

The patterns are written in the syntax Python's ``re`` and pyarrow's RE2 share, so a whole
column is redacted in one vectorised pass and a single text the same way.
"""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from owcf.ingest.sheet import cell_bytes
from owcf.ingest.text import normalise

#: headings that name personal data, once separators, "your", "(optional)" and the like
#: are set aside
PERSONAL_DATA = frozenset({
    "name", "full name", "first name", "last name", "surname", "forename", "forenames",
    "given name", "family name", "respondent name", "contact name", "email", "e mail",
    "email address", "e mail address", "contact email", "ip", "ip address", "ip addr",
    "phone", "phone number", "phone no", "telephone", "telephone number", "tel", "tel no",
    "mobile", "mobile number", "mobile phone", "contact number", "contact details",
    "address", "home address", "postal address", "street address", "postcode", "post code",
    "zip", "zip code", "date of birth", "dob", "birth date", "username", "user name",
    "user id", "login", "employee number", "employee id", "staff number", "staff id",
    "payroll number", "nhs number", "national insurance number", "ni number", "latitude",
    "longitude", "geolocation", "location", "gps", "device id", "mac address", "user agent",
})
_FILLER = ("your ", "please enter ", "please give ", "please provide ", "respondent ",
           "respondent's ", "what is ", "what's ", "enter ")
_SEPARATORS = re.compile(r"[_./\\-]+")
#: a question asking for personal data, anywhere in its heading
_ASKS = re.compile(r"\b(e ?mail|phone number|telephone number|mobile number|contact number|"
                   r"postcode|post code|home address|postal address|full name|first name|"
                   r"last name|surname|your name|date of birth|nhs number|"
                   r"national insurance number|ip address)\b")


def _heading_words(heading: str) -> str:
    text = _SEPARATORS.sub(" ", normalise(heading))
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"\s*\(optional\)$", "", text)


def is_personal_heading(heading: str) -> bool:
    """True for headings naming personal data: "Email", "full_name", "Your name
    (optional)", "IP address", "Phone number"."""
    text = _heading_words(heading)
    for filler in _FILLER:
        text = text.removeprefix(filler)
    return text in PERSONAL_DATA or re.sub(r" \d+$", "", text) in PERSONAL_DATA


def asks_for_personal_data(heading: str) -> bool:
    """True for a question asking for personal data: "What is your email address?",
    "If you would like a reply, give your phone number"."""
    return bool(_ASKS.search(_heading_words(heading)))


# -- values -------------------------------------------------------------------------------

_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_HEX = r"[0-9A-Fa-f]{1,4}"
#: kind -> pattern found anywhere in a text (RE2 and Python alike)
PATTERNS = {
    "email address": r"[^\s@<>()\[\],;:\"]+@[^\s@<>()\[\],;:\"./]+(?:\.[^\s@<>()\[\],;:\"./]+)+",
    # UK numbers: +44 or 0, then 9 or 10 more digits with spaces, dots, dashes or brackets
    "phone number": r"(?:\+44\s?\(?0?\)?|\(?0)(?:[\s().-]*[0-9]){9,10}",
    "IP address": rf"\b{_OCTET}(?:\.{_OCTET}){{3}}\b|\b(?:{_HEX}:){{7}}{_HEX}\b|"
                  rf"\b(?:{_HEX}:)+:(?:{_HEX}:)*{_HEX}\b",
    "postcode": r"\b[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][ABD-HJLNP-UW-Z]{2}\b",
}
#: a whole cell that is a postcode, whatever its case
_POSTCODE_CELL = r"(?i:^\s*[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][ABD-HJLNP-UW-Z]{2}\s*$)"
_REPLACEMENT = {"email address": "[email removed]", "phone number": "[phone number removed]",
                "IP address": "[IP address removed]", "postcode": "[postcode removed]"}
_COMPILED = {kind: re.compile(pattern) for kind, pattern in PATTERNS.items()}
_ANY = "|".join(f"(?:{p})" for p in (*PATTERNS.values(), _POSTCODE_CELL))


def redact(text: str) -> str:
    """``text`` with email addresses, phone numbers, IP addresses and postcodes taken
    out ("[email removed]"...)."""
    for kind, pattern in _COMPILED.items():
        text = pattern.sub(_REPLACEMENT[kind], text)
    return re.sub(_POSTCODE_CELL, _REPLACEMENT["postcode"], text)


def _redact_all(values: pa.Array) -> pa.Array:
    for kind, pattern in PATTERNS.items():
        values = pc.replace_substring_regex(values, pattern, _REPLACEMENT[kind])
    return pc.replace_substring_regex(values, _POSTCODE_CELL, _REPLACEMENT["postcode"])


def _candidates(values: pa.Array) -> np.ndarray:
    """Per cell, True if it holds an ``@``, a ``:`` or a digit, as every kind of personal
    data :data:`PATTERNS` finds does (an IPv6 address may be letters and colons alone:
    ``dead:beef::cafe``): found in one pass over the column's bytes, so a million
    comments cost milliseconds and only the few candidates meet a regular expression."""
    ends, raw = cell_bytes(values)
    digit = (raw - np.uint8(ord("0"))) < 10  # uint8: below "0" wraps
    flags = (raw == ord("@")) | (raw == ord(":")) | digit
    if not flags.any():
        return np.zeros(len(values), dtype=bool)
    seen = np.concatenate([[0], np.cumsum(flags, dtype=np.int64)])
    return seen[ends[1:]] > seen[ends[:-1]]


def redact_column(values: pa.ChunkedArray | pa.Array) -> tuple[pa.Array, int]:
    """:func:`redact` on every text of a column, and how many texts it changed."""
    array = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    if array.type != pa.string() or array.null_count:
        array = pc.fill_null(pc.cast(array, pa.string()), "")
    candidates = np.flatnonzero(_candidates(array))
    if not len(candidates):
        return array, 0
    some = array.take(pa.array(candidates))
    redacted = _redact_all(some)
    changed = np.asarray(pc.not_equal(some, redacted).to_numpy(zero_copy_only=False), dtype=bool)
    if not changed.any():
        return array, 0
    mask = np.zeros(len(array), dtype=bool)
    mask[candidates[changed]] = True
    return pc.replace_with_mask(array, pa.array(mask), redacted.filter(pa.array(changed))), \
        int(changed.sum())


def redact_array(values: pa.ChunkedArray | pa.Array) -> pa.Array:
    """:func:`redact` on every text of a column."""
    return redact_column(values)[0]


def personal_kinds(values: pa.ChunkedArray | pa.Array) -> str:
    """The kinds of personal data found in a column's cells ("email addresses and phone
    numbers"), or ""."""
    found = [kind for kind, pattern in PATTERNS.items()
             if pc.any(pc.match_substring_regex(values, pattern)).as_py()]
    if "postcode" not in found and pc.any(pc.match_substring_regex(values, _POSTCODE_CELL)
                                          ).as_py():
        found.append("postcode")
    named = [kind + ("es" if kind.endswith("ss") else "s") for kind in found]
    return ", ".join(named[:-1]) + " and " + named[-1] if len(named) > 1 else "".join(named)


def mostly_personal(values: pa.ChunkedArray | pa.Array) -> bool:
    """True if most answered cells are nothing but personal data (an email column under
    a comment heading): their text is all gone once redacted."""
    answered = pc.greater(pc.binary_length(pc.utf8_trim_whitespace(values)), 0)
    count = pc.sum(answered).as_py() or 0
    if not count:
        return False
    left = pc.utf8_trim_whitespace(pc.replace_substring_regex(values, _ANY, ""))
    emptied = pc.and_(answered, pc.equal(pc.binary_length(left), 0))
    return (pc.sum(emptied).as_py() or 0) * 2 > count
