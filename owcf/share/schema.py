"""The results package's JSON Schema: where it is, and checking a package against it.

The schema is a bundled file (``schemas/owcf-results-1.schema.json`` in a checkout,
``owcf/_data/schemas/`` in an installed owcf), versioned with the package's ``schema``
field. Checking uses the ``jsonschema`` library, so a package owcf accepts is one any
JSON Schema (draft 2020-12) validator accepts, and the other way round.

A package is mostly long arrays of plain numbers, which the library checks one element
at a time (about 15 microseconds each: a second and a half for a hundred packages). For
the ``items`` keyword alone, an array whose every element plainly passes a schema made
only of ``type`` and ``minimum`` is accepted in one pass; anything else, including every
array with an element that fails, goes to the library's own ``items``, so the errors and
their paths are exactly the library's. ``properties`` and ``additionalProperties`` skip
the library's descent in the same way for values that plainly pass such a schema (a
number, a null, an array of plain numbers), and descend exactly as the library does for
every other value. The validator also works on a copy of the schema
with its ``$ref`` s replaced by what they name (the same schema: none refers to itself),
which spares a lookup per value checked.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from owcf.resources import data_dir

SCHEMA_FILE = "owcf-results-1.schema.json"
#: the Python types of a JSON value of each plain type (bool is not an integer)
_PLAIN_TYPES: dict[str, frozenset[type]] = {
    "integer": frozenset({int}),
    "number": frozenset({int, float}),
    "null": frozenset({type(None)}),
}


def schema_path() -> Path:
    """The results package schema file."""
    return data_dir("schemas") / SCHEMA_FILE


@cache
def schema() -> dict[str, Any]:
    """The results package schema, parsed."""
    data: dict[str, Any] = json.loads(schema_path().read_text(encoding="utf-8"))
    return data


#: _allowed's answers, by the id of the schema asked about (kept alive beside it)
_ALLOWED: dict[int, tuple[Any, tuple[frozenset[type], Any] | None]] = {}


def _allowed(schema: Any) -> tuple[frozenset[type], Any] | None:
    """The Python types and minimum of a schema made only of plain ``type`` (and
    ``minimum``); None for any other schema."""
    known = _ALLOWED.get(id(schema))
    if known is not None and known[0] is schema:
        return known[1]
    answer = _allowed_now(schema)
    _ALLOWED[id(schema)] = (schema, answer)
    return answer


def _allowed_now(schema: Any) -> tuple[frozenset[type], Any] | None:
    if not isinstance(schema, dict) or not set(schema) <= {"type", "minimum"}:
        return None
    kinds = schema.get("type")
    kinds = [kinds] if isinstance(kinds, str) else kinds
    if not isinstance(kinds, list) or not kinds or any(k not in _PLAIN_TYPES for k in kinds):
        return None
    return frozenset().union(*(_PLAIN_TYPES[k] for k in kinds)), schema.get("minimum")


def _plain(items: Any, instance: list[Any]) -> bool:
    """True if every element of ``instance`` plainly passes ``items``, a schema of only
    ``type`` and ``minimum`` (False means: ask the library, which also finds the error)."""
    plain = _allowed(items)
    if plain is None:
        return False
    allowed, low = plain
    if not set(map(type, instance)) <= allowed:
        return False
    if low is None:
        return True
    numbers = [x for x in instance if x is not None] if type(None) in allowed else instance
    return not numbers or min(numbers) >= low


def _passes(schema: Any, value: Any) -> bool:
    """True if ``value`` plainly passes ``schema``: a plain scalar schema, an ``enum`` of
    strings, an array of plain elements (``{"type": "array", "items": ...}``) or an object
    whose every value plainly passes its ``additionalProperties``. False: ask the library."""
    plain = _allowed(schema)
    if plain is not None:
        allowed, low = plain
        return type(value) in allowed and (low is None or value is None or value >= low)
    if not isinstance(schema, dict):
        return False
    keys = set(schema)
    if keys == {"enum"}:
        return type(value) is str and all(type(e) is str for e in schema["enum"]) \
            and value in schema["enum"]
    if keys == {"type", "items"} and schema["type"] == "array":
        return isinstance(value, list) and _plain(schema["items"], value)
    if keys == {"type", "additionalProperties"} and schema["type"] in ("object", ["object", "null"]):
        if value is None:
            return schema["type"] != "object"
        return isinstance(value, dict) and all(_passes(schema["additionalProperties"], v)
                                               for v in value.values())
    return False


def _inlined(node: Any, defs: dict[str, Any]) -> Any:
    """``node`` with every local ``$ref`` replaced by the definition it names: the same
    schema (nothing in it refers to itself), checked without a lookup per value."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/") and len(node) == 1:
            return _inlined(defs[ref.removeprefix("#/$defs/")], defs)
        return {k: _inlined(v, defs) for k, v in node.items()}
    if isinstance(node, list):
        return [_inlined(v, defs) for v in node]
    return node


#: parts of a package every package of a collection shares (the framework and the
#: questionnaire it was made with): each distinct one is checked once per process
SHARED = ("framework", "questionnaire")


@cache
def _validators() -> tuple[Any, dict[str, Any]]:
    """Draft 2020-12 validators, with the fast path for plain arrays: one for the package
    with its shared parts left to the others, one for each shared part."""
    from jsonschema import Draft202012Validator, validators

    standard = Draft202012Validator.VALIDATORS

    def items(validator: Any, items: Any, instance: Any, schema: dict[str, Any]) -> Iterator[Any]:
        if isinstance(instance, list) and "prefixItems" not in schema and _plain(items, instance):
            return
        yield from standard["items"](validator, items, instance, schema)

    def properties(validator: Any, properties: Any, instance: Any, schema: dict[str, Any]
                   ) -> Iterator[Any]:
        if not isinstance(instance, dict):
            return
        for name, subschema in properties.items():
            if name in instance and not _passes(subschema, instance[name]):
                yield from validator.descend(instance[name], subschema, path=name,
                                             schema_path=name)

    def additional(validator: Any, extra: Any, instance: Any, schema: dict[str, Any]
                   ) -> Iterator[Any]:
        if (isinstance(instance, dict) and "properties" not in schema
                and "patternProperties" not in schema
                and all(_passes(extra, v) for v in instance.values())):
            return
        yield from standard["additionalProperties"](validator, extra, instance, schema)

    checker = validators.extend(Draft202012Validator, {
        "items": items, "properties": properties, "additionalProperties": additional})
    # the bundled schema itself is checked against the metaschema by the tests
    # (tests/test_share.py), not in every process: that check alone took 0.3 s a run
    whole = _inlined(schema(), schema().get("$defs", {}))
    rest = dict(whole, properties={k: True if k in SHARED else v
                                   for k, v in whole["properties"].items()})
    return checker(rest), {k: checker(whole["properties"][k]) for k in SHARED}


@lru_cache(maxsize=32)
def _shared_violations(key: str, text: str) -> tuple[tuple[str, str], ...]:
    """The violations of one shared part, given as its JSON text (the cache key)."""
    part = _validators()[1][key]
    return tuple((f"$.{key}" + error.json_path.removeprefix("$"), _short(error.message))
                 for error in part.iter_errors(json.loads(text)))


def violations(package: Any, limit: int = 20) -> list[tuple[str, str]]:
    """(JSON path, message) of each way ``package`` breaks the schema, in the library's
    (fixed) order, at most ``limit``; empty when it conforms."""
    rest, _ = _validators()
    found = []
    for error in rest.iter_errors(package):
        found.append((error.json_path, _short(error.message)))
        if len(found) == limit:
            return found
    if isinstance(package, dict):
        for key in SHARED:
            if key in package:
                text = json.dumps(package[key], sort_keys=True, ensure_ascii=False)
                found += _shared_violations(key, text)
    return found[:limit]


def _short(message: str, width: int = 160) -> str:
    """A message on one line, long values cut (a failing array is quoted whole)."""
    line = " ".join(message.split())
    return line if len(line) <= width else line[:width - 1] + "…"
