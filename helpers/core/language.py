"""The process language of reader-facing text: "en" or "zh", chosen once per kernel or command.

A kernel runs one edition of a workbook, and a command prints in one language, so the choice is process state
set by `use()`; `helpers.core.fmt` and `helpers.core.messages` read it.
"""

from __future__ import annotations

from pathlib import Path

LANGUAGES = ("en", "zh")
_state = {"language": "en"}


def use(language: str) -> None:
    """Make `language` ("en" or "zh") the language of every message and number formatted from now on."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}; got {language!r}")
    _state["language"] = language


def current() -> str:
    """The current language: "en" unless `use()` chose another."""
    return _state["language"]


EDITION_FOLDERS = {"zh": "zh"}  # notebooks/zh/ holds the Chinese edition; notebooks/ itself the English one


def of_folder(folder: Path) -> str:
    """The language of the edition whose notebooks live in `folder` (a kernel's working folder)."""
    return next((lang for lang, name in EDITION_FOLDERS.items() if folder.name == name), "en")
