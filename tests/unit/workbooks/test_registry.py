"""The registry: each workbook's entry holds its cross-parameter rule as a function, and `check` applies it."""

from __future__ import annotations

import pytest

from generators import jd, perfect_diary, pinduoduo
from helpers.core.errors import ParameterError
from helpers.notebook import params
from helpers.notebook.files import all_notebooks
from helpers.workbooks import method, registry, your_shop
from helpers.workbooks.registry import check


def test_check_reads_the_real_notebook_and_runs_cross_checks():
    values = params.read_spec("00_case_review_method").defaults()
    assert check(values, "00_case_review_method")["promo_discount"] == values["promo_discount"]
    with pytest.raises(ParameterError, match="'sleeping_days' = 200"):
        check({**values, "sleeping_days": 200, "churned_days": 180}, "00_case_review_method")


def test_every_notebook_has_an_entry_whose_cross_check_is_a_function_of_its_own_case():
    expected = {
        "00_case_review_method": method.check_parameters,
        "01_pinduoduo_group_buying": pinduoduo.check_parameters,
        "02_jd_logistics_membership": jd.check_parameters,
        "03_perfect_diary_kol_private_domain": perfect_diary.check_parameters,
        "04_your_shop_review": your_shop.check_parameters,
    }
    assert [p.stem for p in all_notebooks()] == list(expected)
    for stem, function in expected.items():
        assert registry.workbook(stem).cross_check is function


def test_an_unlisted_notebook_has_no_cross_check_to_run():
    assert registry.workbook("99_not_listed") is None
    registry.cross_check("99_not_listed", {"anything": 1})  # nothing to run, nothing raised
