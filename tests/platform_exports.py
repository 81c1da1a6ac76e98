"""What a survey platform would export for a survey made from a questionnaire file owcf
wrote, written from each platform's documented export layout (docs/formats.md), never
by running owcf's writers or readers backwards.

Each function reads the file as the platform does (the XLSForm's sheets, LimeSurvey's
tab-separated structure, Qualtrics's Advanced Format TXT), shows each respondent the
questions whose relevance holds for them, and has them tick the option whose label is
their answer's label in the wording they are shown. Which question carries an item is
found by its wording (the questionnaire YAML's adult or children's text), not by its
name. A respondent shown a question their audience is not asked answers it anyway, as
people do: routing that sends an item to the wrong audience, or to nobody, or to a
respondent twice, changes the numbers and fails the test that uses the export.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook, load_workbook

from owcf.model.framework import Framework
from owcf.model.questionnaire import Questionnaire

#: what a respondent answers to a question they should never have been shown
STRAY = "3"


@dataclass
class Respondent:
    """One person's answers, as owcf's own layout holds them."""

    id: str
    audience: str
    group: str                       # workforce group id, "" for none
    answers: dict[str, str]          # item id -> "1".."4", "DK", "NA" or "" (blank)
    comment: str = ""


@dataclass
class Truth:
    """What the questionnaire YAML says, for picking questions and answers by wording."""

    framework: Framework
    questionnaire: Questionnaire
    by_text: dict[str, tuple[str, bool]] = field(default_factory=dict)  # wording -> (item, children)

    def __post_init__(self) -> None:
        for item in self.questionnaire.items:
            self.by_text[item.text] = (item.id, False)
            if item.text_children:
                self.by_text[item.text_children] = (item.id, True)

    def label(self, answer: str, children: bool) -> str:
        """The label a respondent looks for to tick ``answer``."""
        for option in self.questionnaire.answer_scale:
            if str(option.value) == answer:
                return option.label_children if children else option.label
        return next(n.label for n in self.questionnaire.non_answers if n.code == answer)

    def audience_name(self, ident: str) -> str:
        return self.framework.audience(ident).name

    def group_name(self, ident: str) -> str:
        return self.framework.workforce_group(ident).name


def owcf_layout(respondents: Sequence[Respondent], truth: Truth) -> str:
    """The same answers in owcf's wide layout: the reference the exports are checked by."""
    items = [i.id for i in truth.questionnaire.items]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["respondent_id", "audience", "workforce_group", *items, "comment"])
    for r in respondents:
        writer.writerow([r.id, r.audience, r.group, *(r.answers.get(i, "") for i in items),
                         r.comment])
    return buffer.getvalue()


def _pick(choices: Sequence[tuple[str, str]], label: str) -> tuple[str, str]:
    """The (name, label) of the choice labelled ``label``: exactly one must be."""
    (found,) = [c for c in choices if c[1] == label]
    return found


# -- KoboToolbox: an XLSForm in, a CSV or XLSX export out -----------------------------------

_XLS_TERM = re.compile(r"^\$\{audience\} = '([^']+)'$")


def _xls_relevant(expression: str | None, audience: str) -> bool:
    """The relevance of a row for a respondent, for the only expressions a form about
    audiences needs: ``${audience} = 'a' or ${audience} = 'b'`` (or none)."""
    if not expression:
        return True
    terms = expression.split(" or ")
    matches = [_XLS_TERM.match(t.strip()) for t in terms]
    assert all(matches), f"unexpected relevant expression {expression!r}"
    return audience in {m[1] for m in matches if m}


def kobo_export(xlsform: Path, respondents: Sequence[Respondent], truth: Truth,
                headers: str = "xml", path: Path | None = None) -> tuple[list[str], list[list[str]]]:
    """KoboToolbox's export of ``respondents`` answering the form: one heading row of XML
    names with their group paths (``group/question``) or of labels, the questions in form
    order, then the system fields (docs/formats.md, KoboToolbox)."""
    book = load_workbook(xlsform, read_only=True)
    rows = list(book["survey"].iter_rows(values_only=True))
    columns = [str(c) for c in rows[0]]
    choices: dict[str, list[tuple[str, str]]] = {}
    for list_name, name, label in list(book["choices"].iter_rows(values_only=True))[1:]:
        choices.setdefault(str(list_name), []).append((str(name), str(label)))

    # the questions, in order: (path, name, label, kind, list, relevant expressions)
    questions: list[tuple[str, str, str, str, str, list[str | None]]] = []
    groups: list[tuple[str, str | None]] = []
    for raw in rows[1:]:
        row = dict(zip(columns, raw, strict=False))
        kind, name = str(row["type"] or ""), str(row["name"] or "")
        if kind == "begin_group":
            groups.append((name, row.get("relevant")))
        elif kind == "end_group":
            groups.pop()
        elif kind:
            path_name = "/".join([*(g[0] for g in groups), name])
            list_name = kind.split(" ", 1)[1] if kind.startswith("select_one ") else ""
            questions.append((path_name, name, str(row.get("label") or ""), kind, list_name,
                              [*(g[1] for g in groups), row.get("relevant")]))
            if kind == "calculate":
                calculation = str(row["calculation"])
                questions[-1] = (*questions[-1][:3], f"calculate {calculation}",
                                 *questions[-1][4:])
    heading = [q[0] if headers == "xml" else (q[2] or q[1]) for q in questions]
    system = ["_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status",
              "_submitted_by", "__version__", "_tags", "_index"]
    out_rows = []
    for k, r in enumerate(respondents, start=1):
        cells = []
        for _, name, label, kind, list_name, relevants in questions:
            if not all(_xls_relevant(e, r.audience) for e in relevants):
                cells.append("")
                continue
            value = ""
            if kind.startswith("calculate"):
                value = kind.split(" ", 1)[1].strip("'")
            elif name == "audience":
                value = _cell(_pick(choices[list_name], truth.audience_name(r.audience)), headers)
            elif name == "workforce_group":
                value = _cell(_pick(choices[list_name], truth.group_name(r.group)),
                              headers) if r.group else ""
            elif kind == "text":
                value = r.comment
            elif label in truth.by_text:
                item, children = truth.by_text[label]
                answer = r.answers.get(item, STRAY)
                value = _cell(_pick(choices[list_name], truth.label(answer, children)),
                              headers) if answer else ""
            cells.append(value)
        out_rows.append([*cells, str(1000 + k), f"5c1e0a2b-0000-4000-8000-{k:012d}",
                         f"2025-02-{1 + k % 27:02d}T10:{k % 60:02d}:00", "", "", "submitted",
                         "fieldworker1", "vXYZ", "", str(k)])
    heading += system
    if path is not None:
        if path.suffix == ".xlsx":
            book_out = Workbook()
            sheet = book_out.active
            sheet.append(heading)
            for row in out_rows:
                sheet.append(row)
            book_out.save(path)
        else:  # Kobo's CSV export separates cells with ";"
            with path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle, delimiter=";", lineterminator="\n")
                writer.writerow(heading)
                writer.writerows(out_rows)
    return heading, out_rows


def _cell(choice: tuple[str, str], headers: str) -> str:
    """A select_one answer as Kobo exports it: the choice's XML name, or its label."""
    return choice[0] if headers == "xml" else choice[1]


# -- LimeSurvey: a tab-separated structure in, a response export out ------------------------

_LS_TERM = re.compile(r"^audience\.NAOK == '([^']+)'$")


@dataclass
class _LsQuestion:
    kind: str
    code: str
    text: str
    relevance: list[str]
    subquestions: list[tuple[str, str, str]] = field(default_factory=list)  # code, text, rel
    answers: list[tuple[str, str]] = field(default_factory=list)


def _ls_relevant(expression: str, code: str) -> bool:
    if not expression:
        return True
    matches = [_LS_TERM.match(t.strip()) for t in expression.split(" or ")]
    assert all(matches), f"unexpected relevance equation {expression!r}"
    return code in {m[1] for m in matches if m}


def limesurvey_export(structure: Path, respondents: Sequence[Respondent], truth: Truth,
                      headings: str = "codes", path: Path | None = None) -> None:
    """LimeSurvey's CSV export of ``respondents`` answering a survey imported from
    ``structure``: headings as question codes (``Q1``, ``Q2[SQ001]``) with answers as
    codes, or as full question text (``Question [Subquestion]``) with full answers, after
    the response's own fields (docs/formats.md, LimeSurvey)."""
    text = structure.read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text), delimiter="\t")
    group_relevance = ""
    questions: list[_LsQuestion] = []
    for row in reader:
        kind = row["class"]
        if kind == "G":
            group_relevance = row["relevance"]
        elif kind == "Q":
            questions.append(_LsQuestion(row["type/scale"], row["name"], row["text"],
                                         [group_relevance, row["relevance"]]))
        elif kind == "SQ":
            questions[-1].subquestions.append((row["name"], row["text"], row["relevance"]))
        elif kind == "A":
            questions[-1].answers.append((row["name"], row["text"]))
    audience_q = next(q for q in questions if q.code == "audience")
    own = (["id", "submitdate", "lastpage", "startlanguage", "seed"] if headings == "codes"
           else ["Response ID", "Date submitted", "Last page", "Start language", "Seed"])
    heading = list(own)
    for q in questions:
        if q.kind == "F":
            heading += [f"{q.code}[{sq[0]}]" if headings == "codes" else f"{q.text} [{sq[1]}]"
                        for sq in q.subquestions]
        else:
            heading.append(q.code if headings == "codes" else q.text)
    rows = []
    for k, r in enumerate(respondents, start=1):
        # the audience's answer code; none when an equation records the one audience
        code = _pick(audience_q.answers, truth.audience_name(r.audience))[0] \
            if audience_q.kind == "L" else ""
        cells = [str(k), f"2025-02-{1 + k % 27:02d} 10:{k % 60:02d}:00", "4", "en",
                 str(7000 + k * 13)]
        for q in questions:
            shown = all(_ls_relevant(e, code) for e in q.relevance)
            if q.kind == "F":
                for _, sq_text, sq_rel in q.subquestions:
                    item, children = truth.by_text[sq_text]
                    answer = r.answers.get(item, STRAY) if shown and \
                        _ls_relevant(sq_rel, code) else ""
                    if answer:
                        choice = _pick(q.answers, truth.label(answer, children))
                        cells.append(choice[0] if headings == "codes" else choice[1])
                    else:
                        cells.append("")
            elif q.code == "audience":
                if q.kind == "L":
                    choice = _pick(q.answers, truth.audience_name(r.audience))
                    cells.append(choice[0] if headings == "codes" else choice[1])
                else:
                    cells.append(q.text.strip("{}'"))  # the equation's value
            elif q.kind == "L":  # the workforce group
                if shown and r.group:
                    choice = _pick(q.answers, truth.group_name(r.group))
                    cells.append(choice[0] if headings == "codes" else choice[1])
                else:
                    cells.append("")
            elif q.kind == "T":
                cells.append(r.comment if shown else "")
            else:
                raise AssertionError(f"unexpected question type {q.kind!r}")
        rows.append(cells)
    if path is not None:
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(heading)
            writer.writerows(rows)


# -- Qualtrics: an Advanced Format TXT in, a CSV with three heading rows out ----------------

_QUALTRICS_OWN = [
    ("StartDate", "Start Date", '{"ImportId":"startDate","timeZone":"Europe/London"}'),
    ("EndDate", "End Date", '{"ImportId":"endDate","timeZone":"Europe/London"}'),
    ("Status", "Response Type", '{"ImportId":"status"}'),
    ("IPAddress", "IP Address", '{"ImportId":"ipAddress"}'),
    ("Progress", "Progress", '{"ImportId":"progress"}'),
    ("Duration (in seconds)", "Duration (in seconds)", '{"ImportId":"duration"}'),
    ("Finished", "Finished", '{"ImportId":"finished"}'),
    ("RecordedDate", "Recorded Date", '{"ImportId":"recordedDate","timeZone":"Europe/London"}'),
    ("ResponseId", "Response ID", '{"ImportId":"_recordId"}'),
    ("RecipientLastName", "Recipient Last Name", '{"ImportId":"recipientLastName"}'),
    ("RecipientFirstName", "Recipient First Name", '{"ImportId":"recipientFirstName"}'),
    ("RecipientEmail", "Recipient Email", '{"ImportId":"recipientEmail"}'),
    ("ExternalReference", "External Data Reference", '{"ImportId":"externalDataReference"}'),
    ("LocationLatitude", "Location Latitude", '{"ImportId":"locationLatitude"}'),
    ("LocationLongitude", "Location Longitude", '{"ImportId":"locationLongitude"}'),
    ("DistributionChannel", "Distribution Channel", '{"ImportId":"distributionChannel"}'),
    ("UserLanguage", "User Language", '{"ImportId":"userLanguage"}'),
]


def _qualtrics_survey(txt: Path) -> tuple[dict[str, str], list[tuple[str, str, str, list[str]]]]:
    """The embedded data and the questions (type, export tag, text, choices) of an
    Advanced Format TXT, read as its documentation describes it."""
    lines = txt.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "[[AdvancedFormat]]"
    embedded: dict[str, str] = {}
    questions: list[tuple[str, str, str, list[str]]] = []
    state = ""
    for line in lines[1:]:
        if line.startswith("[[ED:"):
            name, _, value = line[5:-2].partition(":")
            embedded[name] = value
        elif line.startswith("[[Question:"):
            questions.append((line[11:-2], "", "", []))
            state = "text"
        elif line.startswith("[[ID:"):
            kind, _, text, choices = questions[-1]
            questions[-1] = (kind, line[5:-2], text, choices)
        elif line == "[[Choices]]":
            state = "choices"
        elif line.startswith("[[") or not line.strip():  # a block, a page break, a gap
            state = ""
        elif state == "text":
            kind, tag, text, choices = questions[-1]
            questions[-1] = (kind, tag, (text + " " + line).strip(), choices)
        elif state == "choices":
            questions[-1][3].append(line)
    return embedded, questions


def qualtrics_export(txt: Path, respondents: Sequence[Respondent], truth: Truth,
                     path: Path) -> None:
    """Qualtrics's CSV export (choice text) of ``respondents`` answering the survey
    imported from ``txt``: row 1 field names and export tags, row 2 question text, row 3
    ``{"ImportId": ...}``; embedded data after the questions (docs/formats.md, Qualtrics)."""
    import html

    embedded, questions = _qualtrics_survey(txt)
    answered = [q for q in questions if q[0] != "DB"]
    row1 = [c[0] for c in _QUALTRICS_OWN] + [q[1] for q in answered] + list(embedded)
    row2 = [c[1] for c in _QUALTRICS_OWN] + [html.unescape(q[2]) for q in answered] + \
        list(embedded)
    row3 = [c[2] for c in _QUALTRICS_OWN] + \
        [json.dumps({"ImportId": f"QID{k}"}, separators=(",", ":"))
         for k, _ in enumerate(answered, start=1)] + \
        [json.dumps({"ImportId": name}, separators=(",", ":")) for name in embedded]
    rows = [row1, row2, row3]
    for k, r in enumerate(respondents, start=1):
        own = [f"2025-02-{1 + k % 27:02d} 10:00:00", f"2025-02-{1 + k % 27:02d} 10:{k % 60:02d}:00",
               "IP Address", f"81.2.69.{k % 250}", "100", str(300 + k), "True",
               f"2025-02-{1 + k % 27:02d} 10:{k % 60:02d}:01", "R_" + r.id.rjust(15, "0"), "", "", "", "",
               "51.7520", "-1.2577", "anonymous", "EN"]
        cells = []
        for kind, tag, text, choices in answered:
            wording = html.unescape(text)
            if tag == "workforce_group":
                cells.append(truth.group_name(r.group) if r.group else "")
            elif kind.startswith("TE"):
                cells.append(r.comment)
            else:
                item, children = truth.by_text[wording]
                answer = r.answers.get(item, STRAY)
                labels = [html.unescape(c) for c in choices]
                if answer:
                    (label,) = [x for x in labels if x == truth.label(answer, children)]
                    cells.append(label)
                else:
                    cells.append("")
        rows.append([*own, *cells, *embedded.values()])
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
