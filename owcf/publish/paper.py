"""The paper questionnaire: one audience's form as a self-contained HTML page to print on
A4 (tick boxes, large type, the children's plain wording for children), for focus groups
and people without online access. Each item shows its id, the column its answer is
typed into in the CSV template (``owcf questionnaire --to csv``)."""

from __future__ import annotations

from owcf.model.form import COMMENT_QUESTION, WORKFORCE_GROUP_QUESTION, Form
from owcf.publish.templating import render


def render_paper(form: Form) -> str:
    """The HTML page of ``form``, which serves one audience."""
    audience = form.audience
    assert audience is not None  # the caller lays out one form per audience for paper
    number: dict[str, int] = {}
    for _, question in form.questions():
        number[question.item.id] = len(number) + 1
    return render("questionnaire.html.j2", form=form, audience=audience, number=number,
                  workforce_question=WORKFORCE_GROUP_QUESTION,
                  comment_question=COMMENT_QUESTION,
                  groups=form.framework.workforce_groups if form.grouped else ())
