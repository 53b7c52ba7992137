"""Helpers shared by test modules (no test module imports another): paths, file listings, tiny notebooks."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path
from typing import Any

import nbformat

ROOT = Path(__file__).resolve().parents[2]


def files_under(folder: Path) -> list[Path]:
    """Every file below `folder` (hidden ones too), for asserting that nothing was left behind."""
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def tiny_notebook(path: Path, body: str, parameters: str = "seed: int = 1  # a seed, ≥ 0") -> Path:
    """A notebook whose parameters cell is `parameters` (default: one `seed`) and whose second cell is `body`."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    cell = nbformat.v4.new_code_cell(parameters)
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell, nbformat.v4.new_code_cell(body)]
    nbformat.write(nb, path)
    return path


def interruptible(command: list[str], **options: Any) -> subprocess.Popen:
    """Start `command` so that SIGINT stops it as Ctrl-C in a user's terminal would.

    pytest-xdist workers ignore SIGINT and children inherit that, so the child restores the default first.
    """
    return subprocess.Popen(
        command, text=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL), **options
    )


def tiny_editions(root: Path, stem: str, body: str, parameters: dict[str, str]) -> Path:
    """A notebooks folder `root` holding `<stem>.ipynb` in each edition: `root/` (en) and `root/zh/` (zh).

    `parameters` maps a language to its parameters cell (same names, help in that language); `body` is shared,
    as the code cells of the two editions are. Point CASEBOOK_NOTEBOOKS at `root` to use it.
    """
    for lang, cell in parameters.items():
        folder = root / "zh" if lang == "zh" else root
        folder.mkdir(parents=True, exist_ok=True)
        tiny_notebook(folder / f"{stem}.ipynb", body, cell)
    return root
