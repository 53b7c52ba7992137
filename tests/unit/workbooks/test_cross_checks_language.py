"""The workbooks' rules across parameters refuse in the process language, from the catalogs (errors.yaml)."""

from __future__ import annotations

import re

import pytest

from helpers.core import language
from helpers.core.errors import ParameterError
from helpers.notebook.params import read_spec
from helpers.workbooks.registry import cross_check

HAN = re.compile(r"[\u4e00-\u9fff]")
CASES = [  # workbook, a value that breaks a rule, words of the English refusal, words of the Chinese one
    ("00_case_review_method", {"sleeping_days": 300}, "must be below churned_days (180)", "小于 churned_days（180）"),
    ("00_case_review_method", {"months": 3}, "too short for the 618 promotion", "放不下 618 大促"),
    ("01_pinduoduo_group_buying", {"subsidy_start_month": 30}, "after the last simulated month", "晚于模拟的最后"),
    ("02_jd_logistics_membership", {"order_up_to_days": 1}, "must exceed reorder_point_days", "必须大于 reorder_"),
    ("03_perfect_diary_kol_private_domain", {"kol_share_top": 0.9}, "the KOL shares must sum to 1", "之和必须为 1"),
    ("04_your_shop_review", {"calibration_end": "soon"}, "must be a date such as 2023-10-01", "应为 2023-10-01"),
]


def refusal(stem: str, bad: dict, lang: str) -> str:
    values = {**read_spec(stem, "en").defaults(), **bad}
    language.use(lang)
    try:
        with pytest.raises(ParameterError) as error:
            cross_check(stem, values)
    finally:
        language.use("en")
    return str(error.value)


@pytest.mark.parametrize(("stem", "bad", "english", "chinese"), CASES, ids=lambda v: str(v)[:12])
def test_a_broken_rule_is_refused_in_one_line_of_the_process_language(stem, bad, english, chinese):
    name = next(iter(bad))
    en, zh = refusal(stem, bad, "en"), refusal(stem, bad, "zh")
    assert english in en and not HAN.search(en) and name in en
    assert chinese in zh and name in zh and "not allowed" not in zh
    assert "\n" not in en + zh
