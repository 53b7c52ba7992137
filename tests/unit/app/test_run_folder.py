"""One output folder holds the reports of one set of parameters: a run that would mix sets is refused."""

from __future__ import annotations

import json
import shutil

import pytest
from support import tiny_notebook

from helpers.app.runner import check_folder
from helpers.core.errors import UsageError

CELL = "seed: int = 1  # a seed, ≥ 0\nscale: float = 1.0  # size, 0.01–5"


def folder_with(out, lang_entries, notebooks):
    """An output folder holding the executed `notebooks` and metrics.json files recording `lang_entries`
    ({lang: {stem: parameters}})."""
    for lang, entries in lang_entries.items():
        folder = out / "zh" if lang == "zh" else out
        folder.mkdir(parents=True, exist_ok=True)
        for stem in entries:
            shutil.copy(notebooks[stem], folder / f"{stem}.ipynb")
        merged = {stem: {"parameters": p, "metrics": {}} for stem, p in entries.items()}
        (folder / "metrics.json").write_text(json.dumps(merged), encoding="utf-8")
    return out


@pytest.fixture
def notebooks(tmp_path):
    return {
        stem: tiny_notebook(tmp_path / f"{stem}.ipynb", "pass", cell)
        for stem, cell in (("01_a", CELL), ("02_b", CELL), ("03_c", "label: str = ''  # any text"))
    }


def test_a_run_with_other_values_beside_existing_reports_is_refused(tmp_path, notebooks):
    out = folder_with(tmp_path / "out", {"en": {"01_a": {"seed": 3}}, "zh": {"01_a": {"seed": 3}}}, notebooks)
    with pytest.raises(UsageError) as error:
        check_folder(out, [("en", notebooks["02_b"], {"seed": 4})])
    assert "holds 01_a run with seed = 3, this run has seed = 4" in str(error.value)
    assert "choose another --out" in str(error.value)
    with pytest.raises(UsageError, match="holds 01_a run with seed = 3, this run has defaults"):
        check_folder(out, [("en", notebooks["02_b"], {})])  # a default is a value too


def test_the_other_edition_counts_and_a_replaced_report_does_not(tmp_path, notebooks):
    out = folder_with(tmp_path / "out", {"en": {"01_a": {}}, "zh": {"01_a": {"seed": 3}}}, notebooks)
    with pytest.raises(UsageError, match="holds zh/01_a run with seed = 3"):
        check_folder(out, [("en", notebooks["01_a"], {})])
    check_folder(out, [("zh", notebooks["01_a"], {})])  # replaces zh/01_a; en/01_a has the same defaults
    with pytest.raises(UsageError, match=r"holds 01_a run with defaults, this run has scale = 0\.2"):
        check_folder(out, [("zh", notebooks["01_a"], {"scale": 0.2})])
    check_folder(out, [(lang, notebooks["01_a"], {"seed": 5}) for lang in ("en", "zh")])  # replaces both


def test_only_parameters_both_workbooks_declare_are_compared(tmp_path, notebooks):
    out = folder_with(tmp_path / "out", {"en": {"01_a": {"seed": 3, "scale": 0.1}}}, notebooks)
    check_folder(out, [("en", notebooks["03_c"], {"label": "x"})])  # 03_c has neither seed nor scale
    check_folder(out, [("en", notebooks["02_b"], {"seed": 3, "scale": 0.1})])  # the same set
    check_folder(tmp_path / "empty", [("en", notebooks["02_b"], {"seed": 9})])  # nothing there yet
