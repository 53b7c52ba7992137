"""The workbook files of an edition: find one by name, list them all, read one.

The folders come from `helpers.core.paths` (resolved on each call): `notebooks/` holds the English edition,
`notebooks/zh/` the Chinese one with the same file names. A workbook is named by its file (a path), its stem
(`01_pinduoduo_group_buying`), a unique prefix of the stem (`01`) or a unique word of it after the number
(`pinduoduo`, `perfect_diary`); a name that fits several workbooks is refused with the candidates listed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from helpers.core import language
from helpers.core.errors import ParameterError
from helpers.core.messages import message
from helpers.core.paths import edition_dir

PATTERN = "[0-9][0-9]_*.ipynb"
_HEADING = re.compile(r"^#\s+(?:\d\d\s*·\s*)?(.+?)\s*$")  # '# 01 · Pinduoduo — …' → 'Pinduoduo — …'


def all_notebooks(lang: str | None = None) -> list[Path]:
    """Every workbook of edition `lang` (default: the process language), in order."""
    return sorted(edition_dir(lang or language.current()).glob(PATTERN))


def matches(name: str, stem: str) -> bool:
    """True when `name` names the workbook `stem`: the stem, a prefix of it, or whole words of it after the number."""
    return stem.startswith(name) or f"_{name}_" in f"_{stem.partition('_')[2]}_"


def notebook_path(name: str, lang: str | None = None) -> Path:
    """Resolve a workbook of edition `lang` (default: the process language) by path, file name, stem, unique
    prefix or case name."""
    path = Path(name)
    if path.suffix == ".ipynb" and path.exists():
        return path
    stem = path.stem if path.suffix == ".ipynb" else path.name
    known = all_notebooks(lang)
    exact = [p for p in known if p.stem == stem]
    found = exact or [p for p in known if matches(stem, p.stem)]
    if len(found) == 1:
        return found[0]
    if found:
        candidates = ", ".join(p.stem for p in found)
        raise ParameterError(message("errors.notebook.ambiguous", name=name, candidates=candidates))
    raise ParameterError(message("errors.notebook.not_found", name=name, known=", ".join(p.stem for p in known)))


def read_notebook(path: str | Path) -> dict[str, Any]:
    """A notebook file as its JSON structure (nbformat 4)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def title(notebook: dict[str, Any]) -> str | None:
    """The title a reader sees, in the notebook's own language: its first markdown heading, without the number."""
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            lines = "".join(cell["source"]).splitlines()
            found = _HEADING.match(lines[0]) if lines else None
            return found[1] if found else None
    return None
