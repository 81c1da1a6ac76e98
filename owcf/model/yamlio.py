"""Safe YAML loading that remembers line numbers and reports problems, never tracebacks.

Mappings load as :class:`Node` (a dict that knows the line of each key) and sequences as
:class:`NodeList` (a list that knows the line of each entry), so schema checks can name
the line a user must fix. :class:`Section` reads typed fields from a mapping and logs
every problem it meets instead of stopping at the first.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import Any

import yaml

from owcf.errors import ProblemLog, closest

SLUG = re.compile(r"^[a-z][a-z0-9_-]*$")
#: the longest id, name-like text (a name, title or label, drawn in charts) and paragraph
#: owcf accepts: beyond these a chart or page is unreadable, so they are refused at load
SLUG_LIMIT = 64
NAME_LIMIT = 200
TEXT_LIMIT = 20_000
#: characters no page or chart can show: C0 and C1 controls but tab and line breaks
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class Node(dict):
    """A YAML mapping that remembers where it and each of its keys stood (1-based lines)."""

    line: int = 0
    key_lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


class NodeList(list):
    """A YAML sequence that remembers the line of each entry."""

    line: int = 0
    item_lines: list[int]

    def line_at(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


# libyaml's C parser when the wheel has it (about ten times faster), the Python one if not;
# both give the marks that line numbers come from, and both only construct safe types
_SafeBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeBase):  # type: ignore[valid-type,misc]
    """Safe loader that builds Node/NodeList and logs duplicate keys."""

    def __init__(self, stream: str, file: str, log: ProblemLog) -> None:
        super().__init__(stream)
        self._file = file
        self._log = log

    def _construct_map(self, node: yaml.MappingNode) -> Node:
        self.flatten_mapping(node)
        data = Node()
        data.line = node.start_mark.line + 1
        data.key_lines = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            try:
                hash(key)
            except TypeError:
                self._log.add("wrong-type", "a mapping key must be plain text", file=self._file, line=line)
                continue
            if key in data:
                self._log.add(
                    "duplicate-key",
                    f"key {key!r} appears again (first on line {data.key_lines[key]})",
                    file=self._file,
                    line=line,
                )
            data[key] = self.construct_object(value_node, deep=True)
            data.key_lines[key] = line
        return data

    def _construct_seq(self, node: yaml.SequenceNode) -> NodeList:
        data = NodeList(self.construct_object(child, deep=True) for child in node.value)
        data.line = node.start_mark.line + 1
        data.item_lines = [child.start_mark.line + 1 for child in node.value]
        return data


    def _construct_timestamp(self, node: yaml.ScalarNode) -> Any:
        # 2009-02-30 looks like a date but is not one: keep the text so the schema check
        # reports invalid-date at its line instead of the loader raising ValueError
        try:
            return self.construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _LineLoader._construct_timestamp)
_LineLoader.add_constructor("tag:yaml.org,2002:map", _LineLoader._construct_map)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _LineLoader._construct_seq)


def _syntax_message(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or "malformed YAML"
    if "'\\t'" in problem:
        return "a tab character is used for indentation; YAML indents with spaces"
    context = f" {exc.context}" if exc.context else ""
    return f"{problem}{context}".strip()


def read_text(path: Path, log: ProblemLog) -> str | None:
    """Read a UTF-8 text file (BOM allowed), logging a problem if it cannot be read."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        log.add("file-not-found", "no such file", file=str(path))
    except IsADirectoryError:
        log.add("file-unreadable", "is a folder, not a file", file=str(path))
    except UnicodeDecodeError as exc:
        log.add("file-unreadable", f"not UTF-8 text (byte {exc.start})", file=str(path))
    except OSError as exc:
        log.add("file-unreadable", exc.strerror or str(exc), file=str(path))
    return None


def load_yaml(path: Path, log: ProblemLog) -> Any:
    """Parse ``path`` with safe loading; problems go to ``log`` and the result is None."""
    text = read_text(path, log)
    if text is None:
        return None
    loader = _LineLoader(text, str(path), log)
    try:
        data = loader.get_single_data()
        if data is None:
            log.add("empty-file", "the file holds no YAML data", file=str(path), line=1)
        return data
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        log.add(
            "yaml-syntax",
            _syntax_message(exc),
            file=str(path),
            line=mark.line + 1 if mark else None,
        )
    except yaml.YAMLError as exc:
        log.add("yaml-syntax", str(exc).splitlines()[0], file=str(path))
    finally:
        loader.dispose()
    return None


def finite(value: int | float) -> float | None:
    """``value`` as a finite float, or None (infinite, not a number, or a whole number too
    large for a float)."""
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def shown(value: object, limit: int = 40) -> str:
    """``value`` as a message quotes it, cut short (a 400-digit number is no message)."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters)"


class Section:
    """Typed, logged access to one YAML mapping.

    Each getter returns None (and logs a problem) when the value is missing or has the
    wrong type, so a caller can keep checking the rest of the file.
    """

    def __init__(self, data: Node, file: str, log: ProblemLog, where: str = "") -> None:
        self.data = data
        self.file = file
        self.log = log
        self.where = where

    # -- helpers ---------------------------------------------------------------
    def line(self, key: str | None = None) -> int:
        return self.data.line_of(key) if key is not None else self.data.line

    def _label(self, key: str) -> str:
        return f"{self.where} {key!r}".strip() if self.where else repr(key)

    def problem(self, code: str, message: str, key: str | None = None) -> None:
        self.log.add(code, message, file=self.file, line=self.line(key))

    def _get(self, key: str, required: bool) -> Any:
        value = self.data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem("missing-field", f"{self._label(key)} is required")
            return None
        return value

    # -- typed getters -----------------------------------------------------------
    def check_keys(self, allowed: AbstractSet[str]) -> None:
        for key in self.data:
            if key not in allowed:
                self.problem(
                    "unknown-key",
                    f"{self.where + ': ' if self.where else ''}unknown key {key!r}"
                    f"{closest(str(key), allowed)}",
                    key,
                )

    def text(self, key: str, required: bool = True, limit: int = TEXT_LIMIT) -> str | None:
        """Text of at most ``limit`` characters (:data:`NAME_LIMIT` for a name, title or
        label), holding no control character."""
        value = self._get(key, required)
        if value is None:
            return None
        if isinstance(value, (dict, list)):
            self.problem("wrong-type", f"{self._label(key)} must be text", key)
            return None
        text = str(value).strip()
        return text if self.check_text(text, self._label(key), self.line(key), limit) else None

    def check_text(self, text: str, label: str, line: int, limit: int = TEXT_LIMIT) -> bool:
        """True if ``text`` may go into a page or chart; else a problem at ``line``."""
        if len(text) > limit:
            self.log.add("too-long", f"{label} is {len(text):,} characters long; at most "
                         f"{limit:,} fit {'a name or label' if limit <= NAME_LIMIT else 'here'}",
                         file=self.file, line=line)
            return False
        bad = _CONTROL.search(text)
        if bad:
            self.log.add("invalid-value", f"{label} holds the control character "
                         f"U+{ord(bad.group()):04X}, which no page or chart can show",
                         file=self.file, line=line)
            return False
        return True

    def slug(self, key: str, required: bool = True) -> str | None:
        value = self._get(key, required)
        if value is None:
            return None
        if not isinstance(value, str) or not SLUG.match(value):
            self.problem("invalid-id", f"{self._label(key)} {value!r} is not a lower-case slug", key)
            return None
        if len(value) > SLUG_LIMIT:
            self.problem("too-long", f"{self._label(key)} is {len(value)} characters long; an "
                         f"id has at most {SLUG_LIMIT}", key)
            return None
        return value

    def integer(self, key: str, required: bool = True) -> int | None:
        value = self._get(key, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem("wrong-type", f"{self._label(key)} must be a whole number, not {value!r}", key)
            return None
        return value

    def number(self, key: str, required: bool = True) -> float | None:
        """A number a float holds (a whole number of 400 digits does not)."""
        value = self._get(key, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.problem("wrong-type", f"{self._label(key)} must be a number, not {value!r}", key)
            return None
        if finite(value) is None:
            self.problem("value-out-of-range", f"{self._label(key)} must be a finite number, "
                         f"not {shown(value)}", key)
            return None
        return float(value)

    def boolean(self, key: str, default: bool = False) -> bool:
        value = self.data.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.problem("wrong-type", f"{self._label(key)} must be true or false", key)
            return default
        return value

    def date(self, key: str, required: bool = True) -> dt.date | None:
        value = self._get(key, required)
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            self.problem("invalid-date", f"{self._label(key)} {value!r} is not a date (YYYY-MM-DD)", key)
            return None

    def seq(self, key: str, required: bool = True) -> NodeList | None:
        value = self._get(key, required)
        if value is None:
            return None
        if not isinstance(value, NodeList):
            self.problem("wrong-type", f"{self._label(key)} must be a list", key)
            return None
        if required and not value:
            self.problem("missing-field", f"{self._label(key)} must not be empty", key)
        return value

    def mapping(self, key: str, required: bool = True) -> Node | None:
        value = self._get(key, required)
        if value is None:
            return None
        if not isinstance(value, Node):
            self.problem("wrong-type", f"{self._label(key)} must be a mapping of keys to values", key)
            return None
        return value

    def text_list(self, key: str, required: bool = False) -> list[tuple[str, int]]:
        """A list of plain strings (or a single string), each with its line."""
        value = self.data.get(key)
        if value is None:
            if required:
                self.problem("missing-field", f"{self._label(key)} is required")
            return []
        if isinstance(value, str):
            ok = self.check_text(value, self._label(key), self.line(key))
            return [(value, self.line(key))] if ok else []
        if not isinstance(value, NodeList):
            self.problem("wrong-type", f"{self._label(key)} must be a list", key)
            return []
        out = []
        for i, entry in enumerate(value):
            if isinstance(entry, (dict, list)) or entry is None:
                self.log.add("wrong-type", f"{self._label(key)} entries must be text",
                             file=self.file, line=value.line_at(i))
                continue
            if self.check_text(str(entry), f"{self._label(key)} entry {i + 1}",
                               value.line_at(i)):
                out.append((str(entry), value.line_at(i)))
        return out

    def children(self, key: str, what: str, required: bool = True) -> Iterator[Section]:
        """Each mapping entry of the list under ``key``, as a Section."""
        entries = self.seq(key, required)
        for i, entry in enumerate(entries or []):
            if not isinstance(entry, Node):
                self.log.add("wrong-type", f"each entry of {key!r} must be a mapping",
                             file=self.file, line=entries.line_at(i))  # type: ignore[union-attr]
                continue
            name = entry.get("id", i + 1)
            yield Section(entry, self.file, self.log, f"{what} {name!r}")


def check_schema(root: Any, file: str, log: ProblemLog, expected: str) -> Node | None:
    """Return the top mapping if it declares ``schema: expected``, else log why not."""
    if root is None:
        return None
    if not isinstance(root, Node):
        log.add("wrong-type", "the file must be a YAML mapping (key: value lines)", file=file, line=1)
        return None
    schema = root.get("schema")
    if schema is None:
        log.add("missing-field", f"'schema' is required (expected {expected!r})", file=file, line=1)
    elif schema != expected:
        log.add("wrong-schema", f"schema is {schema!r}, expected {expected!r}",
                file=file, line=root.line_of("schema"))
    return root


def load_section(path: Path, log: ProblemLog, schema: str, keys: frozenset[str]) -> Section | None:
    """Load a YAML file that declares ``schema:`` and may use only ``keys`` at the top."""
    file = str(path)
    root = check_schema(load_yaml(path, log), file, log, schema)
    if root is None:
        return None
    top = Section(root, file, log)
    top.check_keys(keys)
    return top
