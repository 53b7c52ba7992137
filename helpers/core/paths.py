"""Where the workbooks live: the `notebooks/` folder beside the package, or the folder CASEBOOK_NOTEBOOKS names.

Resolved when asked, not at import time, so a test or an installed copy can point the tools at another
folder without reloading anything. Order: the CASEBOOK_NOTEBOOKS override, the source checkout the package
was imported from (`make`, an editable install), then `notebooks/` in the working folder (a regular install
run from a checkout).
"""

from __future__ import annotations

import os
from pathlib import Path

from helpers.core.errors import UsageError

NOTEBOOKS_ENV = "CASEBOOK_NOTEBOOKS"
CHECKOUT = Path(__file__).resolve().parents[2]


def notebooks_dir() -> Path:
    """The folder holding the workbooks; UsageError naming the override when none can be found."""
    override = os.environ.get(NOTEBOOKS_ENV, "").strip()
    if override:
        folder = Path(override).expanduser().resolve()
        if not folder.is_dir():
            raise UsageError(f"{NOTEBOOKS_ENV} = {override!r} is not a folder: point it at the notebooks/ folder")
        return folder
    for folder in (CHECKOUT / "notebooks", Path.cwd() / "notebooks"):
        if folder.is_dir():
            return folder
    raise UsageError(
        f"no notebooks/ folder found beside the package or in {Path.cwd()}: "
        f"run from the Casebook checkout or set {NOTEBOOKS_ENV} to its notebooks/ folder"
    )
