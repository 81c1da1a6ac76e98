"""A trust's results package for the national body, as a JSON-ready dict.

Two kinds, one schema (``docs/formats.md`` describes every field):

* **full**: aggregate sums, not published figures. Per cell (audience x workforce group,
  and any breakdown the trust shares) and per colour, dimension and item: respondents
  with a score, the sum and the sum of squares of their scores (each respondent counts
  once, so the sums pool across cells and trusts) and the answers per category. It is
  for the national body under its data-sharing agreement, not for publication;
* **protected**: the figures the trust's report publishes, with the trust's own
  disclosure control applied (withheld figures null, with the reason), for a recipient
  without such an agreement.

Both hold the trust, its assessment period, the framework and questionnaire (ids,
content hashes, and the names and wording the figures refer to), owcf's version, the
current positions, targets, gaps and priorities as ``owcf gaps`` gives them, respondents
and response rates, actions (due date, status, dimensions; no text, no owner), focus
areas and the support asked for. Neither holds a respondent-level row, a respondent's
free text, a respondent id or pseudonym, or any other personal data. The same inputs
give the same dict, so the same bytes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import Any

from owcf import __version__
from owcf.model.framework import Framework
from owcf.model.questionnaire import Questionnaire
from owcf.model.trust import Trust
from owcf.stats.cells import CellSums, UnitSums
from owcf.stats.positions import GapReport
from owcf.stats.results import Analysis, Estimate, GroupResult

SCHEMA = "owcf-results/1"
FULL, PROTECTED = "full", "protected"
KINDS = (FULL, PROTECTED)
NOTICE = {
    FULL: "For the national body only, under its data-sharing agreement with the trust: NOT "
          "FOR PUBLICATION. Aggregate sums per cell, before disclosure control; no "
          "respondent-level rows, no respondents' free text, no respondent ids or "
          "pseudonyms, no personal data.",
    PROTECTED: "Figures as the trust's report publishes them, with the trust's own "
               "disclosure control applied: a figure resting on too few respondents is null, "
               "with the reason. No respondent-level rows, no respondents' free text, no "
               "respondent ids or pseudonyms, no personal data.",
}
#: the levels of figures, as the package names them, in the order they are written
LEVELS = ("colours", "dimensions", "items")
#: the figures of a protected package's estimates, each an array per level
ESTIMATE_FIELDS = ("n", "n_eff", "mean", "sd", "se", "ci_low", "ci_high")


def content_hash(definition: Framework | Questionnaire) -> str:
    """SHA-256 of a framework's or questionnaire's content as owcf reads it (ids, names,
    wording, scales, routing; not where the file lies nor how its YAML is laid out), so
    packages made from the same content carry the same hash, however it was loaded."""
    data = dataclasses.asdict(definition)
    data.pop("path", None)
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def assessment_period(trust: Trust) -> dict[str, str] | None:
    """From the first date to the last of the trust's plan (a test without a start date
    counts from its end); None when the plan names no test."""
    days = [d for t in trust.tests for d in (t.start, t.end) if d is not None]
    if not days:
        return None
    return {"start": min(days).isoformat(), "end": max(days).isoformat()}


def full_package(trust: Trust, cells: CellSums, gaps: GapReport,
                 produced: dt.date | None = None) -> dict[str, Any]:
    """The full package: ``cells`` (from :func:`owcf.stats.cells.cell_sums` over the
    trust's accepted responses) and ``gaps`` (``owcf gaps``' positions)."""
    framework = trust.framework
    audiences = _totals(cells, "audience", [a.id for a in framework.audiences])
    groups = _totals(cells, "workforce_group", [g.id for g in framework.workforce_groups])
    respondents = {"total": int(cells.respondents.sum()), "by_audience": audiences,
                   "by_workforce_group": groups}
    rows = [{"by": dict(key), "respondents": int(cells.respondents[k]),
             **{name: _sums(getattr(cells, name), k, cells.categories) for name in LEVELS}}
            for k, key in enumerate(cells.keys)]
    shared: dict[str, list[dict[str, Any]] | None] = {"audience": audiences,
                                                      "workforce_group": groups}
    if trust.population is not None and trust.population.by in cells.fields:
        shared.setdefault(trust.population.by, _totals(cells, trust.population.by,
                                                       list(trust.population.sizes)))
    return {**_header(trust, FULL, produced), "respondents": respondents,
            "population": _population(trust, shared),
            "cells": {"fields": list(cells.fields), "rows": rows}, **_plan(trust, gaps)}


def protected_package(trust: Trust, analyses: Sequence[Analysis], gaps: GapReport,
                      produced: dt.date | None = None) -> dict[str, Any]:
    """The protected package: the ``analyses`` a trust's report is built from (a breakdown
    by audience, then by workforce group), every figure as published."""
    framework = trust.framework
    by_field = {a.by[0]: a for a in analyses if len(a.by) == 1}
    audience_ids = [a.id for a in framework.audiences]
    group_ids = [g.id for g in framework.workforce_groups]
    audiences = _published(by_field.get("audience"), "audience", audience_ids)
    groups = _published(by_field.get("workforce_group"), "workforce_group", group_ids)
    first = analyses[0].overall.respondents if analyses else 0
    respondents = {"total": first, "by_audience": audiences, "by_workforce_group": groups}
    return {**_header(trust, PROTECTED, produced), "respondents": respondents,
            "population": _population(trust, {"audience": audiences, "workforce_group": groups}),
            "analyses": [_analysis(a) for a in analyses], **_plan(trust, gaps)}


def round_record(trust: Trust, gaps: GapReport) -> dict[str, Any]:
    """The parts of a package that describe a round (framework, questionnaire, period,
    positions with their questionnaire figures, actions), for the round just analysed:
    what :func:`owcf.progress.rounds.read_round` reads from a package."""
    return {**_header(trust, PROTECTED, None), **_plan(trust, gaps)}


# -- the parts ---------------------------------------------------------------------------

def _header(trust: Trust, kind: str, produced: dt.date | None) -> dict[str, Any]:
    framework, q = trust.framework, trust.questionnaire
    return {
        "schema": SCHEMA,
        "kind": kind,
        "notice": NOTICE[kind],
        "owcf_version": __version__,
        "produced": produced.isoformat() if produced else None,
        "trust": {"id": trust.id, "name": trust.name},
        "period": assessment_period(trust),
        "framework": {
            "id": framework.id, "name": framework.name, "sha256": content_hash(framework),
            "scale": {"min": framework.scale.minimum, "max": framework.scale.maximum,
                      "levels": [{"value": lv.value, "label": lv.label}
                                 for lv in framework.scale.levels]},
            "audiences": [{"id": a.id, "name": a.name, "children": a.children}
                          for a in framework.audiences],
            "workforce_groups": [{"id": g.id, "name": g.name} for g in framework.workforce_groups],
            "colours": [{"id": c.id, "name": c.name, "hex": c.hex} for c in framework.colours],
            "dimensions": [{"id": d.id, "name": d.name, "colour": d.colour}
                           for d in framework.dimensions],
        },
        "questionnaire": {
            "id": q.id, "name": q.name, "sha256": content_hash(q),
            "answer_scale": [{"value": o.value, "label": o.label} for o in q.answer_scale],
            "non_answers": [{"code": n.code, "label": n.label} for n in q.non_answers],
            "items": [{"id": i.id, "dimension": i.dimension, "text": i.text,
                       "audiences": list(i.audiences) if i.audiences is not None else None,
                       "reverse": i.reverse} for i in q.items],
        },
        "categories": [*q.categories, "blank"],
        "weights": "respondents",
        "disclosure": {"min_cell": trust.disclosure.min_cell,
                       "min_cell_by_audience": dict(sorted(trust.disclosure.by_audience.items()))},
    }


def _plan(trust: Trust, gaps: GapReport) -> dict[str, Any]:
    """Positions, actions, focus areas and support: the same in both kinds."""
    catalogue = trust.catalogue
    offers = {o.id: o for o in catalogue.offers} if catalogue else {}
    accepted = []
    for ident in trust.support.accepted:
        offer = offers.get(ident)
        partner = catalogue.partner(offer.partner) if catalogue and offer else None
        accepted.append({"id": ident, "partner": partner.id if partner else None,
                         "partner_name": partner.name if partner else None,
                         "title": offer.title if offer else None,
                         "dimensions": list(offer.dimensions) if offer else []})
    return {
        "positions": {"dimensions": [p.to_dict() for p in gaps.dimensions],
                      "colours": [p.to_dict() for p in gaps.colours]},
        # the action's wording and owner stay out: either may name a person
        "actions": [{"number": a.number, "due": a.due.isoformat() if a.due else None,
                     "status": a.status, "dimensions": list(a.dimensions)}
                    for a in trust.actions],
        "focus_areas": [{"text": f.text, "points": list(f.points)} for f in trust.focus_areas],
        "support": {"catalogue": catalogue.id if catalogue else None, "accepted": accepted,
                    "requests": [{"title": r.title, "partner": r.partner,
                                  "dimensions": list(r.dimensions)} for r in trust.support.own]},
    }


def _totals(cells: CellSums, field: str, order: Iterable[str]) -> list[dict[str, Any]]:
    """Respondents per value of ``field`` (every value in ``order``, 0 where none, then
    "not stated" as null when any respondent did not say)."""
    found: dict[str | None, int] = {}
    for key, size in zip(cells.keys, cells.respondents.tolist(), strict=True):
        found[key[field]] = found.get(key[field], 0) + int(size)
    out = [{"id": ident, "respondents": found.get(ident, 0)} for ident in order]
    if None in found:
        out.append({"id": None, "respondents": found[None]})
    return out


def _published(analysis: Analysis | None, field: str, order: Iterable[str]
               ) -> list[dict[str, Any]] | None:
    """Respondents per value of ``field`` as a breakdown publishes them (null where
    withheld, 0 where nobody answered); None without that breakdown."""
    if analysis is None:
        return None
    found = {g.by[field]: g.respondents for g in analysis.groups[1:]}
    out: list[dict[str, Any]] = [{"id": ident, "respondents": found.get(ident, 0)}
                                 for ident in order]
    if None in found:
        out.append({"id": None, "respondents": found[None]})
    return out


def _population(trust: Trust, shared: dict[str, list[dict[str, Any]] | None]
                ) -> dict[str, Any] | None:
    """Population sizes with respondents and the response rate per stratum, where the
    package carries the respondents of the population's breakdown."""
    population = trust.population
    if population is None:
        return None
    known = shared.get(population.by)
    counts: dict[str, int | None] = {}
    for entry in known or []:
        counts["not_stated" if entry["id"] is None else entry["id"]] = entry["respondents"]
    strata = []
    answered: list[int] = []
    withheld = known is None
    for key, size in population.sizes.items():
        n = counts.get(key, 0) if known is not None else None
        strata.append({"id": key, "size": size, "respondents": n,
                       "response_rate": None if n is None else n / size})
        if n is None:
            withheld = True
        else:
            answered.append(n)
    total_size = sum(population.sizes.values())
    total = None if withheld else sum(answered)
    return {"by": population.by, "strata": strata,
            "total": {"size": total_size, "respondents": total,
                      "response_rate": None if total is None else total / total_size}}


def _sums(level: UnitSums, k: int, categories: Sequence[str]) -> dict[str, Any]:
    """One cell's sums for one level: arrays in unit order."""
    return {"n": [int(v) for v in level.n[k].tolist()],
            "sum": level.sum[k].tolist(),
            "sumsq": level.sumsq[k].tolist(),
            "counts": {label: [int(v) for v in level.counts[k, :, c].tolist()]
                       for c, label in enumerate(categories)}}


def _analysis(analysis: Analysis) -> dict[str, Any]:
    return {"by": list(analysis.by), "min_cell": analysis.min_cell,
            "min_cell_by_audience": dict(sorted(analysis.min_cell_by_audience.items())),
            "groups": [_group(g, [*analysis.categories, "blank"]) for g in analysis.groups]}


def _group(group: GroupResult, categories: Sequence[str]) -> dict[str, Any]:
    return {"by": dict(group.by), "respondents": group.respondents,
            "threshold": group.threshold, "suppressed": dict(group.suppressed) or None,
            **{name: _estimates(getattr(group, name), categories) for name in LEVELS}}


def _estimates(estimates: Sequence[Estimate], categories: Sequence[str]) -> dict[str, Any]:
    """One group's published figures for one level: arrays in unit order, and the reason
    for each withheld figure by unit id and field."""
    out: dict[str, Any] = {name: [getattr(e, name) for e in estimates]
                           for name in ESTIMATE_FIELDS}
    out["counts"] = {label: [e.counts.get(label) for e in estimates] for label in categories}
    out["suppressed"] = {e.id: dict(e.suppressed) for e in estimates if e.suppressed}
    return out


def package_text(package: dict[str, Any]) -> str:
    """The package as JSON text: one top-level field per line, so its header (schema,
    kind, notice, trust) reads at the top of the file, each value compact. Deterministic:
    fields in a fixed order, numbers as Python writes them, no NaN."""
    lines = [f"{json.dumps(key)}: " + json.dumps(value, ensure_ascii=False, allow_nan=False,
                                                separators=(",", ":"))
             for key, value in package.items()]
    return "{\n" + ",\n".join(lines) + "\n}\n"


def package_bytes(text: str, compress: bool = False) -> bytes:
    """The package file's bytes: UTF-8 JSON, gzip-compressed when ``compress`` (with no
    time stamp or name in the gzip header, so the bytes stay the same run to run)."""
    data = text.encode("utf-8")
    return gzip.compress(data, compresslevel=9, mtime=0) if compress else data
