"""Helpers the platform readers share."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from owcf.ingest.export import Role
from owcf.ingest.text import normalise

_BRACKETED = re.compile(r"^(?P<stem>.*?)\s*\[(?P<inner>[^\[\]]+)\]\s*$", re.S)


def text_variants(text: str) -> list[str]:
    """The ways a heading may name an item: whole, and for a grid or matrix question
    ("Question [Row]", "Question - Row") the row on its own and the question stem."""
    text = text.strip()
    out = [text]
    match = _BRACKETED.match(text)
    if match:
        out += [match["inner"], match["stem"]]
    for dash in (" - ", " – ", " — "):
        if dash in text:
            first, last = text.split(dash, 1)[1], text.rsplit(dash, 1)[1]
            out += [first, last]
    return list(dict.fromkeys(v.strip() for v in out if v.strip()))


def role_of(heading: str, table: Mapping[str, Role]) -> Role | None:
    """The role a platform gives a column by its (normalised) heading, if any."""
    return table.get(normalise(heading))


def headings_in(record: Iterable[str]) -> set[str]:
    """Normalised headings of one record, for detection."""
    return {normalise(c) for c in record if c.strip()}


def table(roles: Mapping[Role, Iterable[str]]) -> dict[str, Role]:
    """Normalised heading -> role, from role -> headings."""
    return {normalise(h): role for role, headings in roles.items() for h in headings}
