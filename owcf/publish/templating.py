"""The one place templates are loaded: ``templates/`` with HTML autoescaping on."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import cache
from typing import TypedDict

import jinja2
import markupsafe

from owcf.resources import data_dir

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|])")


def fmt_number(value: float | None, places: int = 2) -> str:
    return "–" if value is None else f"{value:.{places}f}"


def fmt_signed(value: float | None, places: int = 2) -> str:
    """A change with its sign, minus as the typographic minus: '+0.47', '−0.40'."""
    return "–" if value is None else f"{value + 0.0:+.{places}f}".replace("-", "\u2212")


def fmt_date(value: dt.date | None) -> str:
    return "" if value is None else f"{value.day} {value:%B %Y}"


def md_escape(text: object) -> str:
    """Make untrusted text inert in Markdown (no markup, links or raw HTML)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


def md_paragraphs(text: str) -> str:
    """Escape each paragraph of ``text`` and join them with blank lines."""
    return "\n\n".join(md_escape(p) for p in paragraphs(text))


def paragraphs(text: str) -> list[str]:
    """The paragraphs of ``text`` (split at blank lines), each on one line."""
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]


def _md_finalize(value: object) -> object:
    # every value printed into a Markdown template is escaped unless marked safe
    return value if isinstance(value, markupsafe.Markup) else md_escape(value)


class _EscapeOptions(TypedDict, total=False):
    # the keyword arguments of jinja2.Environment that differ between HTML and Markdown
    autoescape: bool
    finalize: Callable[[object], object]


@cache
def environment(kind: str) -> jinja2.Environment:
    """The template environment for ``kind`` ("html" autoescapes HTML, "md" Markdown)."""
    options: _EscapeOptions = {}
    if kind == "html":
        options["autoescape"] = True
    else:
        options["finalize"] = _md_finalize
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(data_dir("templates")),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        **options,
    )
    env.filters |= {"number": fmt_number, "signed": fmt_signed, "date": fmt_date, "paragraphs": paragraphs,
                    "md_paragraphs": lambda t: markupsafe.Markup(md_paragraphs(t))}
    return env


def render(name: str, **context: object) -> str:
    """Render ``templates/name``; the suffix before ``.j2`` picks HTML or Markdown escaping."""
    kind = "html" if name.endswith(".html.j2") else "md"
    return environment(kind).get_template(name).render(**context)
