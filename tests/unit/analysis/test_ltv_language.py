"""Notes from fitting the lifetime-value models are told in the reader's language."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.analysis import ltv
from helpers.core import language


@pytest.fixture(autouse=True)
def english_after():
    yield
    language.use("en")


def test_a_model_that_cannot_be_fitted_says_why_in_chinese():
    language.use("zh")
    fit = ltv.fit_gamma_gamma(np.array([1, 2]), np.array([10.0, 20.0]))
    assert fit.notes == ["Gamma-Gamma 至少需要 10 位复购顾客，这里只有 2 位"]


def test_a_shortened_holdout_is_noted_in_each_language():
    days = pd.date_range("2023-01-01", periods=25, freq="D")
    orders = pd.DataFrame(
        {"customer_id": [f"c{i % 5}" for i in range(25)], "order_date": days, "amount": np.full(25, 10.0)}
    )
    english = ltv.lifetime_value(orders, holdout_days=90).notes
    language.use("zh")
    chinese = ltv.lifetime_value(orders, holdout_days=90).notes
    assert english[0] == (
        "the holdout of 90 days is longer than the history, so the model was tested on its second half (12 days) "
        "instead"
    )
    assert chinese[0] == "留出期 90 天比数据历史还长，因此改用历史的后一半（12 天）检验模型"
    assert len(english) == len(chinese)
