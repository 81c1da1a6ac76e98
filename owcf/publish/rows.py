"""Results as flat rows: one dict per figure, for ``--format csv`` and JSON lists."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # for annotations only: `owcf actions` need not load pandas
    from owcf.model.trust import Trust
    from owcf.progress.compare import Progress
    from owcf.stats.positions import GapReport
    from owcf.stats.results import Analysis


def analysis_rows(analysis: Analysis) -> list[dict[str, Any]]:
    """One row per group and colour, dimension or item: each colour, then its dimensions,
    each followed by its items. Withheld figures are empty, their reasons in ``suppressed``."""
    rows = []
    labels = [*analysis.categories, "blank"]
    for group in analysis.groups:
        key = {column: group.by.get(column) for column in analysis.by}
        for colour in group.colours:
            entries = [("colour", colour)]
            for dim in (d for d in group.dimensions if d.colour == colour.id):
                entries.append(("dimension", dim))
                entries += [("item", i) for i in group.items if i.dimension == dim.id]
            for scope, est in entries:
                row: dict[str, Any] = dict(key)
                row |= {"scope": scope, "id": est.id, "name": est.name,
                        "colour": est.colour or est.id, "dimension": est.dimension or "",
                        "n": est.n, "n_eff": est.n_eff, "mean": est.mean, "sd": est.sd,
                        "se": est.se, "ci_low": est.ci_low, "ci_high": est.ci_high}
                row |= {f"count_{lab}": est.counts.get(lab) for lab in labels}
                row["suppressed"] = ";".join(f"{k}={v}" for k, v in est.suppressed.items())
                rows.append(row)
    return rows


def gap_rows(report: GapReport) -> list[dict[str, Any]]:
    """One row per dimension, then per colour, in framework order."""
    rows = []
    for p in (*report.dimensions, *report.colours):
        d = p.to_dict()
        q = d.pop("questionnaire") or {}
        sources = d.pop("sources")
        d["questionnaire_mean"] = q.get("mean")
        d["questionnaire_n"] = q.get("n")
        # the other tests, each with its rating and the people behind it
        d["evidence"] = ";".join(f"{s['id']}={s['value']:g} ({s['effective_size']:g})"
                                 for s in sources if s["kind"] != "questionnaire")
        rows.append(d)
    return rows


def action_rows(trust: Trust, today: dt.date, only_overdue: bool = False) -> list[dict[str, Any]]:
    """The trust's actions as rows in due-date order (undated last, then by number), each
    marked overdue or not as of ``today``."""
    rows = []
    for action in sorted(trust.actions, key=lambda a: (a.due or dt.date.max, a.number)):
        late = action.overdue(today)
        if only_overdue and not late:
            continue
        rows.append({"id": action.number, "text": action.text, "owner": action.owner,
                     "due": action.due.isoformat() if action.due else None,
                     "status": action.status, "overdue": late,
                     "dimensions": list(action.dimensions), "progress": action.progress})
    return rows


def progress_rows(progress: Progress) -> list[dict[str, Any]]:
    """One row per dimension, then per colour, compared: the change, its interval and
    flag, the position and target; withheld changes with the reason."""
    rows = []
    for f in (*progress.dimensions, *progress.colours):
        d = f.to_dict()
        base, now = d.pop("baseline"), d.pop("current")
        position, target = d.pop("position"), d.pop("target")
        sources = d.pop("sources")
        rows.append({
            "baseline_round": progress.baseline, "round": progress.round,
            **{k: d[k] for k in ("scope", "id", "name", "colour")},
            "baseline_mean": base["mean"], "baseline_sd": base["sd"],
            "baseline_n_eff": base["n_eff"], "current_mean": now["mean"],
            "current_sd": now["sd"], "current_n_eff": now["n_eff"],
            **{k: d[k] for k in ("change", "ci_low", "ci_high", "p_value", "p_adjusted",
                                 "real", "direction", "withheld")},
            "baseline_position": position["baseline"], "current_position": position["current"],
            "position_change": position["change"], "target": target["value"],
            "target_status": target["status"],
            "evidence_changes": ";".join(f"{s['id']}={s['change']:+g}" for s in sources
                                         if s["kind"] != "questionnaire"),
        })
    return rows
