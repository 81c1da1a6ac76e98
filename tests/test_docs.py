"""Documentation that cannot fall behind the code (in the manner of sqlite-utils): every
command and option is in docs/cli.md under its command's heading, every command's help
ends with an example that runs, and help shows no typer artefacts."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from owcf.cli import app

from .conftest import REPO

COMMAND: Any = typer.main.get_command(app)  # a click group (typer carries its own click)
COMMANDS = sorted(COMMAND.commands)
REFERENCE = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")


def _section(heading: str) -> str:
    """The text of docs/cli.md under ``## heading``, up to the next such heading."""
    match = re.search(rf"^## {re.escape(heading)}[ \t]*$(.*?)(?=^## |\Z)", REFERENCE, re.M | re.S)
    assert match, f"docs/cli.md has no section '## {heading}'"
    return match.group(1)


def _names(param: Any) -> list[str]:
    if param.param_type_name == "argument":
        return [param.human_readable_name.upper()] if param.metavar is None else [param.metavar]
    return [o for o in param.opts if o.startswith("--")]


@pytest.mark.parametrize("name", COMMANDS)
def test_every_option_is_in_the_reference_under_its_command(name: str) -> None:
    section = _section(f"owcf {name}")
    missing = [n for p in COMMAND.commands[name].params for n in _names(p)
               if f"`{n}`" not in section]
    assert not missing, f"docs/cli.md, owcf {name}: {missing} not documented"


def test_global_options_are_in_the_reference() -> None:
    section = _section("owcf (global options)")
    missing = [n for p in COMMAND.params for n in _names(p) if f"`{n}`" not in section]
    assert not missing


def test_the_readme_names_every_command() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert [n for n in COMMANDS if f"owcf {n}" not in readme] == []


@pytest.mark.parametrize("name", [None, *COMMANDS])
def test_help_has_no_artefacts_and_ends_with_an_example(name: str | None) -> None:
    args = ["--help"] if name is None else [name, "--help"]
    result = CliRunner().invoke(app, args, terminal_width=100)
    assert result.exit_code == 0
    assert "<bool>" not in result.stdout
    help_text = (COMMAND.help if name is None else COMMAND.commands[name].help) or ""
    last = help_text.strip().split("\n\n")[-1].strip()
    assert last.startswith("Example: owcf "), f"help of {name or 'owcf'} ends with {last!r}"
    assert last in " ".join(result.stdout.split()) or last.split(": ", 1)[1] in result.stdout


@pytest.mark.parametrize("name", [None, *COMMANDS])
def test_the_example_in_the_help_runs(name: str | None, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Each example as a user would paste it, in an empty folder (it finds the bundled
    example trust): no usage error and no internal error."""
    help_text = (COMMAND.help if name is None else COMMAND.commands[name].help) or ""
    example = help_text.strip().split("\n\n")[-1].strip().split(": ", 1)[1]
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OWCF_TRUST_PATH", raising=False)
    result = CliRunner().invoke(app, shlex.split(example)[1:])
    # 1 is a verdict some examples give on purpose (an overdue action in 2009)
    assert result.exit_code in (0, 1), (example, result.stdout, result.stderr)
    assert "internal error" not in result.stderr
