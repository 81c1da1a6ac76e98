"""One round of the assessment, as a results package describes it.

A round is read from the parts every results package carries, full or protected
(``framework``, ``questionnaire``, ``period``, ``positions``, ``actions``): each
dimension's and colour's questionnaire figure (mean, SD, effective size, or why it was
withheld), its current position, target and the sources behind it. The round just
analysed is described the same way (:func:`owcf.share.package.round_record`), so both
sides of a comparison come through one reader.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from owcf.stats.change import Summary


@dataclass(frozen=True)
class Source:
    """One source behind a position: the questionnaire or an evidence record."""

    id: str
    kind: str
    value: float


@dataclass(frozen=True)
class Figure:
    """One dimension or colour in one round."""

    id: str
    name: str
    colour: str
    #: the questionnaire's mean, SD and effective size; None where withheld or absent
    summary: Summary | None
    #: respondents with a score (None where withheld)
    n: int | None
    #: why the questionnaire figure cannot be used (None when it can)
    withheld: str | None
    current: float | None
    target: float | None
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class Item:
    """A questionnaire item as far as comparing rounds cares: what was asked of whom."""

    id: str
    dimension: str
    text: str
    reverse: bool
    audiences: tuple[str, ...] | None


@dataclass(frozen=True)
class Round:
    """A round's figures, with what they were measured on."""

    name: str
    #: the file or folder it was read from (for messages), or the trust's name
    origin: str
    period: tuple[str, str] | None
    #: the framework scale: (min, max, level values)
    scale: tuple[float, float, tuple[float, ...]]
    #: the questionnaire's answer scale values
    answer_scale: tuple[float, ...]
    dimensions: dict[str, Figure]
    colours: dict[str, Figure]
    #: colour id -> its dimensions' ids, framework order
    colour_dimensions: dict[str, tuple[str, ...]]
    items: tuple[Item, ...]
    #: the package's actions: number, due (ISO date or None), status, dimensions
    actions: tuple[dict[str, Any], ...]


def read_round(data: Mapping[str, Any], name: str, origin: str) -> Round:
    """The round a results package (or :func:`owcf.share.package.round_record`) holds.
    ``data`` is assumed checked against the package schema."""
    framework, questionnaire = data["framework"], data["questionnaire"]
    scale = framework["scale"]
    period = data.get("period")
    colours: dict[str, list[str]] = {c["id"]: [] for c in framework["colours"]}
    for d in framework["dimensions"]:
        colours.setdefault(d["colour"], []).append(d["id"])
    positions = data["positions"]
    return Round(
        name=name, origin=origin,
        period=(period["start"], period["end"]) if period else None,
        scale=(float(scale["min"]), float(scale["max"]),
               tuple(float(lv["value"]) for lv in scale["levels"])),
        answer_scale=tuple(float(o["value"]) for o in questionnaire["answer_scale"]),
        dimensions={p["id"]: _figure(p) for p in positions["dimensions"]},
        colours={p["id"]: _figure(p) for p in positions["colours"]},
        colour_dimensions={c: tuple(ds) for c, ds in colours.items()},
        items=tuple(Item(i["id"], i["dimension"], i["text"], bool(i["reverse"]),
                         None if i["audiences"] is None else tuple(sorted(i["audiences"])))
                    for i in questionnaire["items"]),
        actions=tuple(dict(a) for a in data["actions"]))


def _figure(position: Mapping[str, Any]) -> Figure:
    q = position.get("questionnaire")
    summary, n, withheld = None, None, None
    if q is None:
        withheld = "no questionnaire figure"
    elif q.get("mean") is None or q.get("sd") is None or q.get("n_eff") is None:
        reason = (q.get("suppressed") or {}).get("mean")
        withheld = f"withheld ({reason})" if reason else "no respondent with a score"
    else:
        summary = Summary(float(q["mean"]), float(q["sd"]), float(q["n_eff"]))
        n = q.get("n")
    sources = tuple(Source(s["id"], s["kind"], float(s["value"]))
                    for s in position.get("sources") or [])
    return Figure(position["id"], position["name"], position["colour"], summary, n, withheld,
                  position.get("current"), position.get("target"), sources)
