"""Where the workbooks are found: the checkout beside the package, an explicit override, or a clear error."""

from __future__ import annotations

import pytest
from support import ROOT

from helpers.core import paths
from helpers.core.errors import UsageError


def test_the_checkout_notebooks_folder_is_found_from_the_package(monkeypatch):
    monkeypatch.delenv(paths.NOTEBOOKS_ENV, raising=False)
    assert paths.notebooks_dir() == ROOT / "notebooks"


def test_the_override_wins_and_a_wrong_one_is_named(monkeypatch, tmp_path):
    monkeypatch.setenv(paths.NOTEBOOKS_ENV, str(tmp_path))
    assert paths.notebooks_dir() == tmp_path.resolve()
    monkeypatch.setenv(paths.NOTEBOOKS_ENV, str(tmp_path / "missing"))
    with pytest.raises(UsageError, match=r"CASEBOOK_NOTEBOOKS = .*missing.* is not a folder"):
        paths.notebooks_dir()


def test_an_installed_copy_uses_the_working_folder_and_says_how_to_fix_a_miss(monkeypatch, tmp_path):
    monkeypatch.delenv(paths.NOTEBOOKS_ENV, raising=False)
    monkeypatch.setattr(paths, "CHECKOUT", tmp_path / "site-packages")  # as if installed without the repository
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UsageError, match=r"no notebooks/ folder found .* set CASEBOOK_NOTEBOOKS"):
        paths.notebooks_dir()
    (tmp_path / "notebooks").mkdir()
    assert paths.notebooks_dir() == tmp_path / "notebooks"


def test_editions_are_sub_folders_of_the_notebooks_and_of_a_run_folder(tmp_path):
    assert paths.edition(tmp_path, "en") == tmp_path
    assert paths.edition(tmp_path, "zh") == tmp_path / "zh"
    assert paths.languages("all") == ("en", "zh") and paths.languages("zh") == ("zh",)
    assert paths.edition_name("zh", "01_x") == "zh/01_x" and paths.edition_name("en", "01_x") == "01_x"
    with pytest.raises(UsageError, match="language 'fr' is not available: choose one of en, zh, all"):
        paths.languages("fr")
