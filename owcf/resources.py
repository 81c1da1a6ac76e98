"""Where the bundled frameworks, templates, examples and schemas live.

In a checkout (or an editable install) they are the top-level folders of the repository;
in an installed wheel they travel inside the package as ``owcf/_data/...``.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The bundled folder ``name`` (``frameworks``, ``templates``, ``examples`` or ``schemas``)."""
    bundled = _PACKAGE / "_data" / name
    if bundled.is_dir():
        return bundled
    return _PACKAGE.parent / name


def default_framework_path() -> Path:
    return data_dir("frameworks") / "owcf.yaml"


def default_questionnaire_path() -> Path:
    return data_dir("frameworks") / "owcf-questionnaire.yaml"


def resolve_reference(value: str, base_dir: Path) -> Path:
    """A YAML reference: a path if it looks like one, else a bundled file by name."""
    if value.endswith((".yaml", ".yml")) or "/" in value:
        return (base_dir / value).resolve()
    return data_dir("frameworks") / f"{value}.yaml"
