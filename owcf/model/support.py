"""Support from national partners: a catalogue of offers, and which to suggest to a trust.

A catalogue (``schema: owcf-support/1``) lists partners and their offers; each offer names
the dimensions it helps with and the smallest gap to target at which it is worth
suggesting. For the trust's highest-priority gaps the report lists the matching offers,
marks those the trust has accepted, and adds the trust's own requests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from owcf.errors import ProblemLog, closest
from owcf.model.framework import Framework
from owcf.model.yamlio import NAME_LIMIT, load_section

SCHEMA = "owcf-support/1"
#: the keys a file of this kind may use at its top level
TOP_KEYS = frozenset({
    "schema", "id", "framework", "name", "notice", "partners", "offers"
})
#: how many of the highest-priority dimensions the report suggests support for
SUGGEST_FOR = 5


@dataclass(frozen=True)
class Partner:
    id: str
    name: str


@dataclass(frozen=True)
class Offer:
    id: str
    partner: str
    title: str
    description: str
    dimensions: tuple[str, ...]
    min_gap: float = 0.0


@dataclass(frozen=True)
class Catalogue:
    id: str
    framework: str
    name: str
    notice: str
    partners: tuple[Partner, ...]
    offers: tuple[Offer, ...]

    def partner(self, ident: str) -> Partner:
        return next(p for p in self.partners if p.id == ident)


def read_catalogue(path: Path, log: ProblemLog, framework: Framework | None) -> Catalogue | None:
    """Load and check a support catalogue; problems go to ``log``."""
    file = str(path)
    top = load_section(path, log, SCHEMA, TOP_KEYS)
    if top is None:
        return None
    framework_id = top.slug("framework")
    if framework is not None and framework_id and framework_id != framework.id:
        top.problem("framework-mismatch", f"catalogue is for framework {framework_id!r} but the "
                    f"framework in use is {framework.id!r}", "framework")
        return None
    partners = []
    for sec in top.children("partners", "partner"):
        sec.check_keys({"id", "name"})
        ident, name = sec.slug("id"), sec.text("name", limit=NAME_LIMIT)
        if ident and name:
            partners.append(Partner(ident, name))
    partner_ids = [p.id for p in partners]
    known = [d.id for d in framework.dimensions] if framework else None
    offers = []
    seen: dict[str, int] = {}
    for sec in top.children("offers", "offer"):
        sec.check_keys({"id", "partner", "title", "description", "dimensions", "min_gap"})
        ident, partner, title = sec.slug("id"), sec.slug("partner"), sec.text("title",
                                                                               limit=NAME_LIMIT)
        if ident in seen:
            sec.problem("duplicate-id", f"offer id {ident!r} is already used on line {seen[ident]}",
                        "id")
        elif ident:
            seen[ident] = sec.line("id")
        if partner and partner not in partner_ids:
            sec.problem("invalid-value", f"{sec.where}: partner {partner!r} is not listed"
                        f"{closest(partner, partner_ids)}", "partner")
        dims = []
        for dim, line in sec.text_list("dimensions", required=True):
            if known is not None and dim not in known:
                log.add("unknown-dimension", f"{sec.where}: {dim!r} is not a dimension"
                        f"{closest(dim, known)}", file=file, line=line)
            else:
                dims.append(dim)
        min_gap = sec.number("min_gap", required=False) or 0.0
        if ident and partner and title:
            offers.append(Offer(ident, partner, title, sec.text("description", required=False)
                                or "", tuple(dims), min_gap))
    ident, name = top.slug("id"), top.text("name")
    if not (ident and name and framework_id):
        return None
    return Catalogue(ident, framework_id, name, top.text("notice", required=False) or "", tuple(partners),
                     tuple(offers))


@dataclass(frozen=True)
class Suggestion:
    """Support for one high-priority dimension: matching offers (accepted or not)."""

    dimension: str
    name: str
    gap: float
    offers: tuple[tuple[Offer, bool], ...]


def suggest(ranked: Sequence[tuple[str, str, float]], catalogue: Catalogue,
            accepted: Sequence[str], limit: int = SUGGEST_FOR) -> list[Suggestion]:
    """Offers for the ``limit`` highest-priority dimensions with a positive gap.

    ``ranked`` holds (dimension id, name, gap) in priority order. An offer matches when it
    names the dimension and the gap is at least its ``min_gap``.
    """
    out = []
    for dimension, name, gap in [r for r in ranked if r[2] > 0][:limit]:
        offers = tuple((o, o.id in accepted) for o in catalogue.offers
                       if dimension in o.dimensions and gap >= o.min_gap)
        out.append(Suggestion(dimension, name, gap, offers))
    return out
