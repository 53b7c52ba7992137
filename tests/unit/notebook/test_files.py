"""Finding a workbook: by stem, unique prefix or case name, in either edition; ambiguity is refused."""

from __future__ import annotations

import pytest
from support import ROOT, tiny_editions

from helpers.core.errors import ParameterError, UsageError
from helpers.core.paths import NOTEBOOKS_ENV
from helpers.notebook.files import all_notebooks, notebook_path, title
from helpers.notebook.params import read_spec

EN = "seed: int = 1  # random seed, ≥ 0\nmode: str = 'fast'  # how to run, one of fast|slow"
ZH = "seed: int = 1  # 随机种子，相同的种子给出相同的数据，≥ 0\nmode: str = 'fast'  # 运行方式，可选 fast|slow"


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("01_pinduoduo_group_buying", "01_pinduoduo_group_buying"),
        ("01_pinduoduo_group_buying.ipynb", "01_pinduoduo_group_buying"),
        ("01", "01_pinduoduo_group_buying"),
        ("pinduoduo", "01_pinduoduo_group_buying"),
        ("perfect_diary", "03_perfect_diary_kol_private_domain"),
        ("jd", "02_jd_logistics_membership"),
        ("your_shop", "04_your_shop_review"),
        ("method", "00_case_review_method"),
    ],
)
def test_a_workbook_is_found_by_stem_prefix_or_case_name(name, stem, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a file name is first tried as a path: none of that name may sit in the cwd
    assert notebook_path(name) == ROOT / "notebooks" / f"{stem}.ipynb"


@pytest.mark.parametrize(("name", "fits"), [("0", 5), ("review", 2)])
def test_a_name_that_fits_several_workbooks_is_refused_with_the_candidates(name, fits):
    with pytest.raises(ParameterError, match=f"notebook '{name}' is ambiguous") as error:
        notebook_path(name)
    listed = str(error.value).split("it fits ")[1]
    assert listed.count(", ") == fits - 1 and "\n" not in str(error.value)


def test_a_word_inside_a_stem_is_not_a_case_name():
    with pytest.raises(ParameterError, match="not found: choose one of 00_case_review_method"):
        notebook_path("pindu")  # neither a prefix of a stem nor one of its words


def test_the_chinese_edition_is_its_own_folder_with_its_own_help(monkeypatch, tmp_path):
    tiny_editions(tmp_path, "01_demo_case", "pass", {"en": EN, "zh": ZH})
    monkeypatch.setenv(NOTEBOOKS_ENV, str(tmp_path))
    assert all_notebooks("zh") == [tmp_path / "zh" / "01_demo_case.ipynb"]
    assert notebook_path("demo", "zh") == tmp_path / "zh" / "01_demo_case.ipynb"
    english, chinese = read_spec("01", "en"), read_spec("01", "zh")
    assert english.params["seed"].help == "random seed"
    assert chinese.params["seed"].help == "随机种子，相同的种子给出相同的数据"  # only the last ， starts the range
    assert chinese.params["seed"].low == english.params["seed"].low == 0
    assert chinese.params["mode"].choices == english.params["mode"].choices == ("fast", "slow")


def test_a_missing_edition_is_named(monkeypatch, tmp_path):
    monkeypatch.setenv(NOTEBOOKS_ENV, str(tmp_path))
    with pytest.raises(UsageError, match=r"the zh edition is missing: no folder .*zh"):
        all_notebooks("zh")


def test_the_title_is_the_notebooks_own_first_heading_without_its_number():
    def notebook(*cells):
        return {"cells": [{"cell_type": kind, "source": source} for kind, source in cells]}

    assert title(notebook(("code", "x = 1"), ("markdown", ["# 01 · 拼多多——拼团\n", "正文"]))) == "拼多多——拼团"
    assert title(notebook(("markdown", "# Your shop — the review"))) == "Your shop — the review"
    assert title(notebook(("markdown", "Some prose first"), ("markdown", "# Late"))) is None
    assert title(notebook(("code", "pass"))) is None
