"""What turns text into output, checked piece by piece against outputs written out by
hand: the Jinja environments (HTML autoescaped, Markdown escaped unless marked safe), the
filters the templates use, JSON and CSV text, and the one place errors become messages
and exit codes."""

from __future__ import annotations

import datetime as dt
import json

import markupsafe
import pytest
import typer

from owcf.cli.common import State, handled, main_options, say, show, usage
from owcf.errors import OwcfError, Problem, Severity
from owcf.files import to_csv, to_json
from owcf.publish.templating import (
    environment,
    fmt_date,
    fmt_number,
    md_escape,
    md_paragraphs,
    paragraphs,
)


@pytest.mark.parametrize(("value", "places", "shown"), [
    (3.14159, 2, "3.14"), (3.14159, 1, "3.1"), (2.0, 2, "2.00"), (-0.005, 2, "-0.01"),
    (None, 2, "–"),
])
def test_numbers(value: float | None, places: int, shown: str) -> None:
    assert fmt_number(value, places) == shown
    if places == 2:
        assert fmt_number(value) == shown


def test_dates() -> None:
    assert fmt_date(dt.date(2009, 7, 1)) == "1 July 2009"
    assert fmt_date(dt.date(2009, 12, 25)) == "25 December 2009"
    assert fmt_date(None) == ""


def test_paragraphs_split_at_blank_lines_and_join_their_lines() -> None:
    text = "  One line\n  and its next.\n\n \n Two *here*\twith\ttabs.\n\n\n"
    assert paragraphs(text) == ["One line and its next.", "Two *here* with tabs."]
    assert paragraphs("") == [] and paragraphs("\n\n  \n") == []
    assert md_paragraphs(text) == "One line and its next.\n\nTwo \\*here\\* with tabs."


def test_markdown_escapes_each_special_character_once() -> None:
    for char in "\\`*_{}[]<>#|":
        assert md_escape(f"a{char}b") == f"a\\{char}b"
    assert md_escape("plain text, 3.5 (ok) - fine!") == "plain text, 3.5 (ok) - fine!"
    assert md_escape(42) == "42"
    assert md_escape("two\nlines") == "two lines"


def test_the_markdown_environment_escapes_all_but_safe_values() -> None:
    md = environment("md")
    template = md.from_string("{{ value }}|{{ safe }}|{{ text|md_paragraphs }}")
    out = template.render(value="<b>*x*</b>", safe=markupsafe.Markup("<i>kept</i>"),
                          text="a|b\n\nc")
    assert out == "\\<b\\>\\*x\\*\\</b\\>|<i>kept</i>|a\\|b\n\nc"
    assert md.from_string("{{ 3.14159|number }} {{ 2.5|number(1) }}").render() == "3.14 2.5"
    assert md.from_string("{{ d|date }}").render(d=dt.date(2009, 1, 23)) == "23 January 2009"
    # a value that is not defined is an error, never a silent blank
    with pytest.raises(Exception, match="undefined"):
        md.from_string("{{ missing }}").render()


def test_the_html_environment_autoescapes() -> None:
    html = environment("html")
    out = html.from_string("<p title=\"{{ v }}\">{{ v }}</p>{% for p in t|paragraphs %}"
                           "<p>{{ p }}</p>{% endfor %}").render(
        v="\"><script>x</script>", t="one &\n\ntwo <")
    assert out == ("<p title=\"&#34;&gt;&lt;script&gt;x&lt;/script&gt;\">&#34;&gt;&lt;script&gt;"
                   "x&lt;/script&gt;</p><p>one &amp;</p><p>two &lt;</p>")
    # blocks leave no stray blank lines, and a file keeps its last line break
    assert html.from_string("{% if x %}\nyes\n{% endif %}\n").render(x=True) == "yes\n"
    assert environment("html") is html  # made once


def test_json_keeps_unicode_and_refuses_what_json_cannot_say() -> None:
    assert to_json({"b": "café", "a": [1, None]}) == '{\n  "b": "café",\n  "a": [\n    1,\n' \
        '    null\n  ]\n}\n'
    assert json.loads(to_json({"x": "\u2028<script>"})) == {"x": "\u2028<script>"}
    with pytest.raises(ValueError):
        to_json({"x": float("nan")})


def test_csv_text() -> None:
    rows = [{"id": "a", "list": ["x", "=y"], "none": None, "n": -1.5},
            {"id": "=b", "list": [], "none": "q,\"r\"", "n": 2}]
    assert to_csv(rows) == ("id,list,none,n\n"
                            "a,x;=y,,-1.5\n"
                            "'=b,,\"q,\"\"r\"\"\",2\n")
    assert to_csv([]) == ""
    # a line break inside a cell stays one line break, however it was written
    text = to_csv([{"note": "a\r\nb\rc\nd"}])
    assert text == 'note\n"a\nb\nc\nd"\n'


# -- errors become messages and exit codes, in one place ---------------------------------

@pytest.fixture
def state():
    saved = State.debug, State.quiet
    State.debug, State.quiet = False, False
    yield State
    State.debug, State.quiet = saved


def test_a_user_error_is_listed_and_exits_1(state, capsys: pytest.CaptureFixture[str]) -> None:
    @handled
    def command() -> None:
        raise OwcfError([Problem("invalid-value", "bad", file="f.yaml", line=3),
                         Problem("missing-target", "soft", severity=Severity.WARNING)])

    with pytest.raises(typer.Exit) as caught:
        command()
    assert caught.value.exit_code == 1
    assert capsys.readouterr().err == ("f.yaml:3: invalid-value: bad\n"
                                       "owcf: warning: missing-target: soft\n")
    state.quiet = True  # --quiet: errors only
    with pytest.raises(typer.Exit):
        command()
    assert capsys.readouterr().err == "f.yaml:3: invalid-value: bad\n"
    state.debug = True  # --debug: the exception itself, for its traceback
    with pytest.raises(OwcfError):
        command()


def test_a_bug_exits_3_and_says_so(state, capsys: pytest.CaptureFixture[str]) -> None:
    @handled
    def command(x: int) -> int:
        return 10 // x

    assert command(5) == 2
    with pytest.raises(typer.Exit) as caught:
        command(0)
    assert caught.value.exit_code == 3
    assert capsys.readouterr().err == ("owcf: internal error: ZeroDivisionError: integer "
                                       "division or modulo by zero (rerun with --debug for the "
                                       "traceback)\n")
    state.debug = True
    with pytest.raises(ZeroDivisionError):
        command(0)


@pytest.mark.parametrize("raised", [typer.Exit(4), typer.Abort(), KeyboardInterrupt()])
def test_exits_aborts_and_interrupts_pass_through(state, raised: BaseException) -> None:
    @handled
    def command() -> None:
        raise raised

    with pytest.raises(type(raised)):
        command()


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    error = usage("give --trust NAME")
    assert isinstance(error, typer.Exit) and error.exit_code == 2
    assert capsys.readouterr().err == "Usage error: give --trust NAME\n"
    say("a line")
    show([Problem("no-responses", "none", file="r.csv", severity=Severity.WARNING)])
    assert capsys.readouterr().err == "a line\nr.csv: warning: no-responses: none\n"


def test_quiet_hides_every_warning_and_no_error(state, capsys: pytest.CaptureFixture[str]
                                                ) -> None:
    state.quiet = True
    show([Problem("no-responses", "w1", severity=Severity.WARNING),
          Problem("invalid-value", "e1"), Problem("no-responses", "w2", severity=Severity.WARNING),
          Problem("invalid-value", "e2")])
    assert capsys.readouterr().err == "owcf: invalid-value: e1\nowcf: invalid-value: e2\n"


def test_the_command_line_defaults_debug_quiet_and_version_to_off(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from owcf import __version__
    from owcf.cli import app

    monkeypatch.delenv("OWCF_DEBUG", raising=False)
    runner = CliRunner()
    assert runner.invoke(app, ["--version"]).stdout == f"owcf {__version__}\n"
    result = runner.invoke(app, ["analyse", "-t", "no-such-trust"])
    # no --debug: the problem, no traceback; no --quiet: its hint too; no --version
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "no-such-trust" in result.stderr and "Traceback" not in result.output
    assert __version__ not in result.stdout
    shown = runner.invoke(app, ["analyse", "-t", "oxfordshire"])  # no --quiet: the account
    assert shown.exit_code == 0 and " rows read = " in shown.stderr


def test_global_options_set_debug_and_quiet(state, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OWCF_DEBUG", raising=False)
    main_options(debug=False, quiet=True)
    assert (State.debug, State.quiet) == (False, True)
    main_options(debug=True, quiet=False)
    assert (State.debug, State.quiet) == (True, False)
    monkeypatch.setenv("OWCF_DEBUG", "1")
    main_options(debug=False, quiet=False)
    assert State.debug is True


def test_global_options_default_to_off_when_called_as_a_library(
        state, monkeypatch: pytest.MonkeyPatch) -> None:
    # typer passes every option; a script calling the callback passes none
    monkeypatch.delenv("OWCF_DEBUG", raising=False)
    State.debug = State.quiet = True
    main_options()
    assert (State.debug, State.quiet) == (False, False)
