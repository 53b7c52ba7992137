"""The workbook files in notebooks/: find one by stem or file name, list them all, read one.

The folder comes from `helpers.core.paths.notebooks_dir()`, resolved on each call.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from helpers.core.errors import ParameterError
from helpers.core.language import EDITION_FOLDERS
from helpers.core.paths import notebooks_dir

PATTERN = "[0-9][0-9]_*.ipynb"


def all_notebooks() -> list[Path]:
    """Every workbook in notebooks/, in order."""
    return sorted(notebooks_dir().glob(PATTERN))


def notebook_path(name: str) -> Path:
    """Resolve a workbook by file name or stem ('00_case_review_method') inside notebooks/."""
    path = Path(name)
    if path.suffix != ".ipynb":
        path = path.with_suffix(".ipynb")
    if not path.is_absolute() and not path.exists():
        path = notebooks_dir() / path.name
    if not path.exists():
        known = ", ".join(p.stem for p in all_notebooks())
        raise ParameterError(f"notebook '{name}' not found: choose one of {known}")
    return path


def edition_path(name: str, lang: str) -> Path:
    """The workbook `name` in the edition of `lang` (notebooks/zh/<stem>.ipynb for Chinese) when that edition
    exists, the English one otherwise: both hold the same parameters, only their help text differs."""
    path = notebook_path(name)
    folder = EDITION_FOLDERS.get(lang)
    edition = path.parent / folder / path.name if folder else path
    return edition if edition.exists() else path


def read_notebook(path: str | Path) -> dict[str, Any]:
    """A notebook file as its JSON structure (nbformat 4)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))
