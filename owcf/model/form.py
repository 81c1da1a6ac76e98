"""The trust's tailored questionnaire laid out as one survey form, before any platform.

A form is what every questionnaire writer (XLSForm, LimeSurvey, Qualtrics, the paper
version and the CSV template) starts from, so they agree on who is asked what and in
which words:

* first *about you*: the audience (asked, or fixed when the form serves one audience)
  and, for the audiences that are not children, the workforce group;
* then per colour, per dimension, a *grid* of items that share the answer scale: one
  grid in adult wording and, where children are asked items that have plain wording, one
  in the children's wording with the children's answer labels. Each item in a grid
  names the audiences it is shown to there (routing: leaders-only items...);
* last a free-text comment.

An item asked of children that has no ``text_children`` stays in the adult grid, shown
to the children in the adult words: two columns with the same heading would make the
export ambiguous.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from owcf.model.framework import Colour, Dimension, Framework, Named
from owcf.model.questionnaire import Item, Questionnaire

#: the words every form uses around the items (the items' own wording is the trust's)
AUDIENCE_QUESTION = "Which of these best describes you?"
WORKFORCE_GROUP_QUESTION = "Which part of the children's workforce do you work in?"
COMMENT_QUESTION = "Is there anything else you would like to tell us?"
STEM = "How far do you agree with each statement?"
STEM_CHILDREN = "What do you think? Choose one answer for each."
#: the name a children's-wording question takes on platforms that need a distinct one
CHILDREN_SUFFIX = "_children"


@dataclass(frozen=True)
class Option:
    """One answer a respondent can tick: ``code`` is how owcf reads it back (a scale
    value or a non-answer code), ``label`` what the respondent sees."""

    code: str
    label: str


@dataclass(frozen=True)
class Question:
    """One item in one wording, and the audiences shown it in that wording."""

    item: Item
    text: str
    audiences: tuple[str, ...]


@dataclass(frozen=True)
class Grid:
    """A dimension's items in one wording: they share the answer scale."""

    dimension: Dimension
    children: bool               # the children's wording and answer labels
    audiences: tuple[str, ...]   # every audience shown any of its questions
    questions: tuple[Question, ...]

    @property
    def stem(self) -> str:
        return STEM_CHILDREN if self.children else STEM


@dataclass(frozen=True)
class Part:
    """A colour of the rainbow: its grids, in dimension order."""

    colour: Colour
    grids: tuple[Grid, ...]


@dataclass(frozen=True)
class Form:
    """A questionnaire laid out for one survey (see the module docstring)."""

    id: str                           # a slug: the trust's id, with the audience's if one
    title: str
    framework: Framework
    questionnaire: Questionnaire
    audiences: tuple[Named, ...]      # the audiences it serves, in framework order
    parts: tuple[Part, ...]
    breakdowns: tuple[str, ...] = ()  # the trust's extra respondent fields

    @property
    def audience(self) -> Named | None:
        """The one audience the form serves, if it serves one (then nobody is asked)."""
        return self.audiences[0] if len(self.audiences) == 1 else None

    @property
    def grouped(self) -> tuple[str, ...]:
        """The audiences asked their workforce group: all but the children."""
        return tuple(a.id for a in self.audiences if not a.children)

    def options(self, children: bool) -> tuple[Option, ...]:
        """The answers to every item: the scale (children's labels for children), then
        "don't know" and "not applicable" and any other non-answer."""
        scale = tuple(Option(str(o.value), o.label_children if children else o.label)
                      for o in self.questionnaire.answer_scale)
        return scale + tuple(Option(n.code, n.label) for n in self.questionnaire.non_answers)

    def grids(self) -> Iterator[Grid]:
        for part in self.parts:
            yield from part.grids

    def questions(self) -> Iterator[tuple[Grid, Question]]:
        for grid in self.grids():
            for question in grid.questions:
                yield grid, question

    @property
    def has_children_grids(self) -> bool:
        return any(g.children for g in self.grids())


def children_wording(item: Item, audience: Named) -> bool:
    """Whether ``audience`` is shown ``item`` in the children's wording."""
    return audience.children and bool(item.text_children)


def build_form(questionnaire: Questionnaire, framework: Framework, ident: str, title: str,
               audience: str | None = None, breakdowns: tuple[str, ...] = ()) -> Form:
    """Lay ``questionnaire`` out for every audience of ``framework``, or for ``audience``
    alone (an id the caller has checked)."""
    audiences = tuple(a for a in framework.audiences if audience in (None, a.id))
    parts = []
    for colour in framework.colours:
        grids = []
        for dimension in colour.dimensions:
            for children in (False, True):
                questions = []
                for item in questionnaire.items_for(dimension.id):
                    shown = tuple(a.id for a in audiences if item.asked_of(a.id)
                                  and children_wording(item, a) == children)
                    if shown:
                        text = item.text_children if children and item.text_children \
                            else item.text
                        questions.append(Question(item, text, shown))
                if questions:
                    seen = {a for q in questions for a in q.audiences}
                    grids.append(Grid(dimension, children,
                                      tuple(a.id for a in audiences if a.id in seen),
                                      tuple(questions)))
        if grids:
            parts.append(Part(colour, tuple(grids)))
    return Form(ident, title, framework, questionnaire, audiences, tuple(parts),
                breakdowns)
