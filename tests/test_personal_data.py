"""Personal data under any name: columns recognised as personal by heading ("full_name",
"ip_address", a question asking for an email address) and by their values (email
addresses, phone numbers, IP addresses, postcodes), dropped and named in the provenance.
No value of theirs reaches any output: the normalised file, the rejects file, the
provenance, the messages or the report. Personal data inside a comment is taken out
("[email removed]"), as the report has always done for the comments it quotes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from owcf.cli import app
from owcf.ingest.personal import asks_for_personal_data, is_personal_heading, redact

from .conftest import write
from .ingest_helpers import survey

runner = CliRunner()

# each person's details, none of which may be written anywhere
SECRETS = ["Jane Smith", "jane.smith@example.org", "81.2.69.160", "2001:db8:85a3::8a2e:370:7334",
           "01865 815000", "07700 900123", "OX1 2JD", "amir@example.org", "Amir Jones",
           "priya@example.org", "0161 496 0000", "M1 1AE", "zoë.o@example.org"]

OWCF_EXPORT = "\n".join([
    "respondent_id,audience,workforce_group,full_name,ip_address,Respondent e-mail,"
    "v1,v2,s1,s2,p1,p2,Where do you live?,Call me on,comment",
    "r1,staff,health,Jane Smith,81.2.69.160,jane.smith@example.org,4,1,3,,2,2,OX1 2JD,"
    "01865 815000,Good start - mail zoë.o@example.org",
    "r2,staff,schools,Amir Jones,2001:db8:85a3::8a2e:370:7334,amir@example.org,3,2,DK,,3,NA,"
    "M1 1AE,07700 900123,ring 0161 496 0000 please",
    "r3,leaders,health,,,priya@example.org,priya@example.org,1,4,4,4,3,,,", ""])

GOOGLE_EXPORT = "\n".join([
    "Timestamp,What is your email address?,Which best describes you?,"
    "Partners share one vision for children in our area.,"
    "Any other comments? (Please do not include your name or email address.),Staff ID",
    "2009/01/23 1:06:57 PM GMT,jane.smith@example.org,Staff,Agree,"
    "Thanks - Jane Smith (jane.smith@example.org),OX1 2JD",
    "2009/01/24 9:15:00 AM GMT,amir@example.org,Leaders,Strongly agree,call 07700 900123,M1 1AE",
    "2009/01/25 9:15:00 AM GMT,priya@example.org,Leaders,priya@example.org,,", ""])


def _outputs(folder: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8-sig") for p in sorted(folder.rglob("*"))
                     if p.is_file())


@pytest.mark.parametrize(("text", "dropped", "kept_comment"), [
    pytest.param(OWCF_EXPORT, ["full_name", "ip_address", "Respondent e-mail",
                               "Where do you live?", "Call me on"],
                 "Good start - mail [email removed]", id="owcf-layout"),
    pytest.param(GOOGLE_EXPORT, ["What is your email address?", "Staff ID"],
                 "Thanks - Jane Smith ([email removed])", id="google-forms"),
])
def test_personal_columns_by_heading_and_value_never_reach_an_output(
        tmp_path: Path, text: str, dropped: list[str], kept_comment: str) -> None:
    _, _, fw, q = survey(tmp_path)
    export = write(tmp_path / "export.csv", text)
    out = tmp_path / "out"
    result = runner.invoke(app, ["ingest", str(export), "--framework", str(fw),
                                 "--questionnaire", str(q), "--out", str(out),
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    provenance = json.loads((out / "export.provenance.json").read_text(encoding="utf-8"))
    roles = {c["heading"]: c["role"] for c in provenance["columns"]}
    assert [h for h, role in roles.items() if role == "personal"] == dropped
    assert provenance["personal_data"]["columns_dropped"] == dropped
    assert provenance["personal_data"]["comments_redacted"] == 2
    written = _outputs(out) + result.output  # stdout and stderr: paths, provenance, messages
    assert (out / "export.rejects.csv").read_text(encoding="utf-8-sig").count("\n") == 2
    # a name typed inside a comment cannot be told from prose: the Google export's comment
    # keeps "Jane Smith", as the report's quoted comments always have
    prose = ["Jane Smith"] if text is GOOGLE_EXPORT else []
    assert [s for s in SECRETS if s in written and s not in prose] == []
    assert kept_comment in (out / "export.responses.csv").read_text(encoding="utf-8-sig")
    for heading in dropped:
        assert f"column {heading!r}: warning: personal-data-column" in result.stderr


def test_a_comment_column_of_nothing_but_email_addresses_is_dropped(tmp_path: Path) -> None:
    _, _, fw, q = survey(tmp_path)
    export = write(tmp_path / "export.csv", """\
respondent_id,audience,v1,v2,comment
r1,staff,4,1,jane.smith@example.org
r2,staff,3,2,amir@example.org
r3,staff,3,2,thanks
""")
    out = tmp_path / "out"
    result = runner.invoke(app, ["ingest", str(export), "--framework", str(fw),
                                 "--questionnaire", str(q), "--out", str(out)])
    assert result.exit_code == 0, result.output
    provenance = json.loads((out / "export.provenance.json").read_text(encoding="utf-8"))
    assert provenance["personal_data"]["columns_dropped"] == ["comment"]
    assert "example.org" not in _outputs(out) + result.output


@pytest.mark.parametrize(("heading", "personal", "asks"), [
    ("full_name", True, True), ("ip_address", True, True), ("IP Address", True, True),
    ("E-mail address", True, True), ("email_2", True, True), ("Respondent email", True, True),
    ("Your name (optional)", True, True), ("Phone number", True, True),
    ("Post code", True, True), ("NHS number", True, True), ("date-of-birth", True, True),
    ("What is your email address?", False, True),
    ("If you would like a reply, please give your phone number", False, True),
    ("Name of your service", False, False), ("Partners share one vision", False, False),
    ("Job title", False, False), ("I consent to taking part", False, False),
])
def test_personal_data_headings(heading: str, personal: bool, asks: bool) -> None:
    assert is_personal_heading(heading) is personal
    assert asks_for_personal_data(heading) is asks


@pytest.mark.parametrize(("text", "expected"), [
    ("from 81.2.69.160 today", "from [IP address removed] today"),
    ("host fe80:0:0:0:202:b3ff:fe1e:8329 and 2001:db8::1", "host [IP address removed] and "
     "[IP address removed]"),
    ("we meet at 13:06:57 on 2009-01-23, version 1.2.3", "we meet at 13:06:57 on 2009-01-23, "
     "version 1.2.3"),
    ("I live in OX1 2JD, or WC2N 5DU", "I live in [postcode removed], or [postcode removed]"),
    ("sw1a 1aa", "[postcode removed]"),
    ("mail zoë.o@example.org.", "mail [email removed]."),
    ("Year 10 1st team", "Year 10 1st team"),
])
def test_redact_takes_out_ips_postcodes_and_any_email(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(("cells", "kinds"), [
    (["x", "jo@example.org"], "email addresses"),
    (["jo@example.org", "01865 815000"], "email addresses and phone numbers"),
    (["81.2.69.160", "jo@example.org", "01865 815000"],
     "email addresses, phone numbers and IP addresses"),
    (["ox1 2jd"], "postcodes"),                      # a whole cell, in any case
    (["I live in OX1 2JD"], "postcodes"),
    (["none here", "12 times"], ""),
])
def test_the_kinds_of_personal_data_a_column_holds(cells: list[str], kinds: str) -> None:
    import pyarrow as pa

    from owcf.ingest.personal import personal_kinds

    assert personal_kinds(pa.array(cells)) == kinds


# -- by hand, each rule of owcf.ingest.personal (mutation testing, issue 12 part 8) -------

@pytest.mark.parametrize(("heading", "personal"), [
    ("Your  Email (optional)", True), (" Name (optional) ", True), ("e_mail", True),
    ("E - mail", True), ("IP / address", True),
    ("ip/address", True), ("Phone--number", True), ("Contact.Number", True),
    ("Please provide phone number", True), ("Please give postcode", True),
    ("Please enter email", True), ("Enter surname", True), ("Respondent's email", True),
    ("What's surname", True), ("email 12", True), ("email 1b", False), ("email2", False),
    ("Name of school (optional)", False), ("(optional) name", False), ("names", False),
])
def test_personal_headings_by_hand(heading: str, personal: bool) -> None:
    assert is_personal_heading(heading) is personal


@pytest.mark.parametrize(("heading", "asks"), [
    ("Give us your e-mail", True), ("Your e mail?", True), ("Contact_Number please", True),
    ("Home  address", True), ("Your name", True), ("Emailing the team helps", False),
    ("Named contact", False), ("Addresses the need", False),
])
def test_questions_asking_for_personal_data_by_hand(heading: str, asks: bool) -> None:
    assert asks_for_personal_data(heading) is asks


def test_a_column_is_redacted_as_each_text_is_and_the_changes_counted() -> None:
    import pyarrow as pa

    from owcf.ingest.personal import redact_array, redact_column

    cells = ["no digits here", "mail a@b.org", "call 01865 815000", "year 10", None,
             "sw1a 1aa", "from dead:beef::cafe", "at 10:30"]
    expected = ["no digits here", "mail [email removed]", "call [phone number removed]",
                "year 10", "", "[postcode removed]", "from [IP address removed]", "at 10:30"]
    for column in (pa.array(cells), pa.chunked_array([pa.array(cells[:3]), pa.array(cells[3:])])):
        redacted, changed = redact_column(column)
        assert (redacted.to_pylist(), changed) == (expected, 4)
        assert redact_array(column).to_pylist() == expected
    assert [redact(c or "") for c in cells] == expected  # one text at a time, the same
    numbers = redact_column(pa.array([1, 22]))
    assert (numbers[0].to_pylist(), numbers[1]) == (["1", "22"], 0)
    assert redact_column(pa.array(["none", "at all"]))[1] == 0


@pytest.mark.parametrize(("cells", "mostly"), [
    (["a@b.org", "c@d.org", "thanks", "", "  "], True),   # 2 of the 3 answered
    (["a@b.org", "thanks"], False),                      # half is not most
    (["a@b.org ", " OX1 2JD", "01865 815000"], True),
    (["a@b.org, thanks", "c@d.org"], False),            # text left beside the address
    (["", " "], False),                                  # nothing answered
    (["a@b.org", "x", "y"], False),                      # a one-letter answer counts
    (["thanks"], False),                                 # no address at all
])
def test_a_column_is_mostly_personal_when_most_answers_are_nothing_else(
        cells: list[str], mostly: bool) -> None:
    import pyarrow as pa

    from owcf.ingest.personal import mostly_personal

    assert mostly_personal(pa.array(cells)) is mostly


@pytest.mark.parametrize(("cells", "kinds"), [
    (["fe80::1"], "IP addresses"),
    (["a@b.org", "sw1a 1aa"], "email addresses and postcodes"),
    (["sw1a 1aa", "81.2.69.160"], "IP addresses and postcodes"),
    (["a@b.org", "01865 815000", "81.2.69.160", "OX1 2JD"],
     "email addresses, phone numbers, IP addresses and postcodes"),
])
def test_the_kinds_of_personal_data_named_by_hand(cells: list[str], kinds: str) -> None:
    import pyarrow as pa

    from owcf.ingest.personal import personal_kinds

    assert personal_kinds(pa.array(cells)) == kinds
