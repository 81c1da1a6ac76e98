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


def redact_array(values: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    """:func:`redact` on every text of a column, in one vectorised pass per kind."""
    for kind, pattern in PATTERNS.items():
        values = pc.replace_substring_regex(values, pattern, _REPLACEMENT[kind])
    return pc.replace_substring_regex(values, _POSTCODE_CELL, _REPLACEMENT["postcode"])


def holds_personal(values: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """Per cell, True if it holds any kind of personal data :data:`PATTERNS` finds."""
    return np.asarray(pc.fill_null(pc.match_substring_regex(values, _ANY), False)
                      .to_numpy(zero_copy_only=False), dtype=bool)


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
