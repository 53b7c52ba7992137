"""Item 6 of issue 13: the A/B lift's interval and p-value come from one procedure, so they never disagree."""

from __future__ import annotations

import itertools

import pytest
from statsmodels.stats.proportion import confint_proportions_2indep
from statsmodels.stats.proportion import test_proportions_2indep as wald_test

from helpers.analysis import abtest

SMALL_TABLES = [
    (n_c, x_c, n_t, x_t)
    for n_c, n_t in ((20, 20), (25, 40), (60, 50))
    for x_c, x_t in itertools.product(range(1, 20, 2), range(1, 20, 2))
]


def test_p_value_below_alpha_exactly_when_the_interval_excludes_zero():
    disagreements = []
    for n_c, x_c, n_t, x_t in SMALL_TABLES:
        result = abtest.lift_test(n_c, x_c, n_t, x_t)
        excludes_zero = result["ci_low"] > 0 or result["ci_high"] < 0
        if (result["p_value"] < 0.05) != excludes_zero:
            disagreements.append((n_c, x_c, n_t, x_t))
    assert disagreements == []


@pytest.mark.parametrize(("n_c", "x_c", "n_t", "x_t"), [(20, 3, 20, 9), (25, 5, 40, 17), (60, 7, 50, 13)])
def test_interval_and_p_value_are_statsmodels_wald(n_c, x_c, n_t, x_t):
    result = abtest.lift_test(n_c, x_c, n_t, x_t)
    low, high = confint_proportions_2indep(x_t, n_t, x_c, n_c, compare="diff", method="wald")
    wald = wald_test(x_t, n_t, x_c, n_c, compare="diff", method="wald", correction=False)
    assert (result["ci_low"], result["ci_high"]) == pytest.approx((low, high), rel=1e-9)
    assert result["p_value"] == pytest.approx(wald.pvalue, rel=1e-9)
