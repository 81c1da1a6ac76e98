"""The framework to walk through with partners: the rainbow, each colour with its
dimensions, each dimension's level descriptors from the lowest level to the highest, the
perspectives where the framework gives them, and the questionnaire items that measure
each dimension (the trust's tailoring applied). Self-contained HTML (inline CSS, no
scripts, nothing fetched) and Markdown, in memory; any framework of the schema renders."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from owcf.model.framework import Dimension, Framework
from owcf.model.questionnaire import Item, Questionnaire
from owcf.publish.templating import render

FORMATS = ("html", "md")


@dataclass(frozen=True)
class DimensionView:
    """A dimension as the page shows it."""

    dimension: Dimension
    perspective: str | None          # the perspective's name
    levels: tuple[tuple[int, str, str], ...]  # (value, label, descriptor), lowest first
    items: tuple[Item, ...]
    asked: dict[str, str]             # item id -> who is asked it, in words


def dimension_views(framework: Framework, questionnaire: Questionnaire | None
                    ) -> dict[str, tuple[DimensionView, ...]]:
    """Per colour id, its dimensions as the page shows them."""
    perspectives = {p.id: p.name for p in framework.perspectives}
    out: dict[str, tuple[DimensionView, ...]] = {}
    for colour in framework.colours:
        views = []
        for dim in colour.dimensions:
            items = questionnaire.items_for(dim.id) if questionnaire else ()
            asked = {i.id: _audiences(i, framework) for i in items}
            levels = tuple((lv.value, lv.label, dim.levels.get(lv.id, ""))
                           for lv in sorted(framework.scale.levels, key=lambda lv: lv.value))
            views.append(DimensionView(dim, perspectives.get(dim.perspective or ""), levels,
                                       tuple(items), asked))
        out[colour.id] = tuple(views)
    return out


def _audiences(item: Item, framework: Framework) -> str:
    names = [a.name for a in framework.audiences if item.asked_of(a.id)]
    return "Everyone" if len(names) == len(framework.audiences) else "; ".join(names)


def render_framework(framework: Framework, questionnaire: Questionnaire | None = None,
                     trust: str | None = None, formats: Iterable[str] = FORMATS
                     ) -> dict[str, bytes]:
    """``framework.html`` and/or ``framework.md``, keyed by file name. ``questionnaire``
    (tailored by ``trust``, a name for the title) supplies the items of each dimension."""
    context = {"framework": framework, "questionnaire": questionnaire, "trust": trust,
               "views": dimension_views(framework, questionnaire),
               "levels": sorted(framework.scale.levels, key=lambda lv: lv.value)}
    files = {}
    for kind in FORMATS:
        if kind in formats:
            files[f"framework.{kind}"] = render(f"framework.{kind}.j2", **context).encode("utf-8")
    return files
