"""Where the workbooks live: the `notebooks/` folder beside the package, or the folder CASEBOOK_NOTEBOOKS names.

Resolved when asked, not at import time, so a test or an installed copy can point the tools at another
folder without reloading anything. Order: the CASEBOOK_NOTEBOOKS override, the source checkout the package
was imported from (`make`, an editable install), then `notebooks/` in the working folder (a regular install
run from a checkout).

Editions: the English workbooks are the notebooks folder itself, each other language a sub-folder of it with the
same file names (`notebooks/zh/` for 简体中文). A kernel knows its edition from the folder it runs in, and a run
writes an edition's files into the same sub-folder of its output folder (`output/default/zh/`), so the editions
never overwrite each other.
"""

from __future__ import annotations

import os
from pathlib import Path

from helpers.core.errors import UsageError
from helpers.core.language import EDITION_FOLDERS, LANGUAGES
from helpers.core.messages import message

NOTEBOOKS_ENV = "CASEBOOK_NOTEBOOKS"
CHECKOUT = Path(__file__).resolve().parents[2]
EDITIONS = {lang: EDITION_FOLDERS.get(lang, "") for lang in LANGUAGES}  # language → its sub-folder ("" for en)
ALL = "all"  # a choice of editions meaning every one (`--lang all`)


def notebooks_dir() -> Path:
    """The folder holding the workbooks; UsageError naming the override when none can be found."""
    override = os.environ.get(NOTEBOOKS_ENV, "").strip()
    if override:
        folder = Path(override).expanduser().resolve()
        if not folder.is_dir():
            raise UsageError(message("errors.command.notebooks_override", name=NOTEBOOKS_ENV, value=repr(override)))
        return folder
    for folder in (CHECKOUT / "notebooks", Path.cwd() / "notebooks"):
        if folder.is_dir():
            return folder
    raise UsageError(message("errors.command.no_notebooks_folder", cwd=Path.cwd(), name=NOTEBOOKS_ENV))


def languages(choice: str) -> tuple[str, ...]:
    """The editions a choice names: one language, or every one for 'all'; UsageError for anything else."""
    if choice == ALL:
        return tuple(EDITIONS)
    if choice not in EDITIONS:
        raise UsageError(message("errors.command.language", value=repr(choice), choices=", ".join([*EDITIONS, ALL])))
    return (choice,)


def edition_name(lang: str, stem: str) -> str:
    """A workbook named with its edition, as summaries show it: '01_pinduoduo…' (en), 'zh/01_pinduoduo…' (zh)."""
    return "/".join(filter(None, (EDITIONS[lang], stem)))


def edition(root: Path, lang: str) -> Path:
    """The folder of edition `lang` below `root` (a notebooks folder or a run's output folder)."""
    if lang not in EDITIONS:
        raise UsageError(message("errors.command.language", value=repr(lang), choices=", ".join(EDITIONS)))
    return root / EDITIONS[lang] if EDITIONS[lang] else root


def edition_dir(lang: str) -> Path:
    """The folder holding the workbooks of edition `lang` (`notebooks/` for en, `notebooks/zh/` for zh)."""
    folder = edition(notebooks_dir(), lang)
    if not folder.is_dir():
        raise UsageError(message("errors.command.no_edition", lang=lang, folder=folder))
    return folder
