"""The framework: rainbow colours, their dimensions, and the position scale."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from owcf.errors import ProblemLog
from owcf.model.yamlio import NAME_LIMIT, Section, load_section

SCHEMA = "owcf-framework/1"
#: a colour as charts and pages take it: # and six hex digits
HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")
#: the keys a file of this kind may use at its top level
TOP_KEYS = frozenset({
    "schema", "id", "name", "notice", "version", "scale", "perspectives", "audiences",
    "workforce_groups", "colours"
})


@dataclass(frozen=True)
class Level:
    value: int
    id: str
    label: str


@dataclass(frozen=True)
class Scale:
    name: str
    levels: tuple[Level, ...]

    @property
    def minimum(self) -> int:
        return self.levels[0].value

    @property
    def maximum(self) -> int:
        return self.levels[-1].value


@dataclass(frozen=True)
class Named:
    """Something a framework lists by id and name (perspective, audience, group)."""

    id: str
    name: str
    description: str = ""
    children: bool = False  # audiences only: shown plain-language wording


@dataclass(frozen=True)
class Dimension:
    id: str
    name: str
    colour: str
    description: str
    levels: dict[str, str]
    perspective: str | None = None


@dataclass(frozen=True)
class Colour:
    id: str
    name: str
    theme: str
    hex: str
    description: str
    dimensions: tuple[Dimension, ...]


@dataclass(frozen=True)
class Framework:
    id: str
    name: str
    notice: str
    scale: Scale
    perspectives: tuple[Named, ...]
    audiences: tuple[Named, ...]
    workforce_groups: tuple[Named, ...]
    colours: tuple[Colour, ...]
    path: str = ""

    @property
    def dimensions(self) -> tuple[Dimension, ...]:
        return tuple(d for c in self.colours for d in c.dimensions)

    def dimension(self, dimension_id: str) -> Dimension:
        return next(d for d in self.dimensions if d.id == dimension_id)

    def colour(self, colour_id: str) -> Colour:
        return next(c for c in self.colours if c.id == colour_id)

    def audience(self, audience_id: str) -> Named:
        return next(a for a in self.audiences if a.id == audience_id)

    def workforce_group(self, group_id: str) -> Named:
        return next(g for g in self.workforce_groups if g.id == group_id)


def _unique(seen: dict[str, int], ident: str | None, what: str, section: Section) -> None:
    if ident is None:
        return
    if ident in seen:
        section.problem("duplicate-id", f"{what} id {ident!r} is already used on line {seen[ident]}", "id")
    else:
        seen[ident] = section.line("id")


#: the largest a scale level's value may be, either way
LEVEL_LIMIT = 100


def _read_scale(top: Section) -> Scale | None:
    node = top.mapping("scale")
    if node is None:
        return None
    sec = Section(node, top.file, top.log, "scale")
    sec.check_keys({"name", "levels"})
    levels: list[Level] = []
    seen: dict[str, int] = {}
    for lv in sec.children("levels", "level"):
        lv.check_keys({"value", "id", "label"})
        value, ident, label = lv.integer("value"), lv.slug("id"), lv.text("label", limit=NAME_LIMIT)
        if value is not None and not -LEVEL_LIMIT <= value <= LEVEL_LIMIT:
            # (a rating scale, not a measurement: values beyond this only lose precision in
            # every sum of scores, and one of 10^9 left the disclosure engine's linear
            # programs running without end)
            lv.problem("invalid-scale", f"level value {value} is outside -{LEVEL_LIMIT} to "
                       f"{LEVEL_LIMIT}", "value")
            value = None
        _unique(seen, ident, "level", lv)
        if value is not None and ident is not None and label is not None:
            levels.append(Level(value, ident, label))
    values = [lv.value for lv in levels]
    if len(levels) < 2:
        sec.problem("invalid-scale", "a scale needs at least two levels", "levels")
        return None
    if any(b <= a for a, b in pairwise(values)):
        sec.problem("invalid-scale", f"level values must strictly increase, got {values}", "levels")
        return None
    return Scale(sec.text("name", required=False, limit=NAME_LIMIT) or "Position", tuple(levels))


def _read_named(top: Section, key: str, what: str, required: bool = True) -> tuple[Named, ...]:
    out: list[Named] = []
    seen: dict[str, int] = {}
    for sec in top.children(key, what, required):
        sec.check_keys({"id", "name", "description", "children"})
        ident, name = sec.slug("id"), sec.text("name", limit=NAME_LIMIT)
        _unique(seen, ident, what, sec)
        desc = sec.text("description", required=False) or ""
        # (an id named twice is an error already; kept once, nothing read after it, such
        # as validate's check of the responses, meets it twice)
        if ident and name and all(o.id != ident for o in out):
            out.append(Named(ident, name, desc, sec.boolean("children")))
    return tuple(out)


def read_framework(path: Path, log: ProblemLog) -> Framework | None:
    """Load and check a framework file; problems go to ``log``."""
    file = str(path)
    top = load_section(path, log, SCHEMA, TOP_KEYS)
    if top is None:
        return None
    ident, name = top.slug("id"), top.text("name", limit=NAME_LIMIT)
    scale = _read_scale(top)
    perspectives = _read_named(top, "perspectives", "perspective", required=False)
    audiences = _read_named(top, "audiences", "audience")
    groups = _read_named(top, "workforce_groups", "workforce group")
    perspective_ids = {p.id for p in perspectives}

    colours: list[Colour] = []
    colour_ids: dict[str, int] = {}
    dimension_ids: dict[str, int] = {}
    for csec in top.children("colours", "colour"):
        csec.check_keys({"id", "name", "theme", "hex", "description", "dimensions"})
        cid = csec.slug("id")
        _unique(colour_ids, cid, "colour", csec)
        cname = csec.text("name", limit=NAME_LIMIT)
        hex_ = csec.text("hex", required=False, limit=NAME_LIMIT) or "#444444"
        if not HEX.match(hex_):
            csec.problem("invalid-value", f"{csec.where}: hex {hex_!r} is not a colour: write "
                         "it as # and six hex digits, such as #B71C1C", "hex")
            hex_ = "#444444"
        dims: list[Dimension] = []
        for dsec in csec.children("dimensions", "dimension"):
            dsec.check_keys({"id", "name", "perspective", "description", "levels"})
            did = dsec.slug("id")
            _unique(dimension_ids, did, "dimension", dsec)
            dname, ddesc = dsec.text("name", limit=NAME_LIMIT), dsec.text("description")
            perspective = dsec.slug("perspective", required=False)
            if perspective and perspective_ids and perspective not in perspective_ids:
                dsec.problem("unknown-perspective",
                             f"perspective {perspective!r} is not one of {sorted(perspective_ids)}",
                             "perspective")
            levels = _read_levels(dsec, scale)
            if did and dname and ddesc and cid:
                dims.append(Dimension(did, dname, cid, ddesc, levels, perspective))
        if cid and cname:
            colours.append(Colour(cid, cname, csec.text("theme", required=False,
                                                        limit=NAME_LIMIT) or cname,
                                  hex_, csec.text("description", required=False) or "", tuple(dims)))
    if ident is None or name is None or scale is None:
        return None
    return Framework(ident, name, top.text("notice", required=False) or "", scale,
                     perspectives, audiences, groups, tuple(colours), file)


def _read_levels(dsec: Section, scale: Scale | None) -> dict[str, str]:
    node = dsec.mapping("levels")
    if node is None or scale is None:
        return {}
    wanted = [lv.id for lv in scale.levels]
    out: dict[str, str] = {}
    for key, text in node.items():
        if key not in wanted:
            dsec.log.add("unknown-level", f"{dsec.where}: level {key!r} is not on the scale "
                         f"({', '.join(wanted)})", file=dsec.file, line=node.line_of(key))
        elif not isinstance(text, str) or not text.strip():
            dsec.log.add("missing-field", f"{dsec.where}: level {key!r} needs a descriptor",
                         file=dsec.file, line=node.line_of(key))
        elif dsec.check_text(text.strip(), f"{dsec.where}: level {key!r}", node.line_of(key)):
            out[key] = text.strip()
    for level_id in wanted:
        if level_id not in node:
            dsec.log.add("missing-level", f"{dsec.where} has no descriptor for level {level_id!r}",
                         file=dsec.file, line=node.line)
    return out
