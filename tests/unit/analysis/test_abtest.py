"""A/B test statistics against independent statsmodels/scipy computations, and on the generator's test."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_effectsize
from statsmodels.stats.proportion import test_proportions_2indep as wald_test
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

from generators import perfect_diary as pd_gen
from helpers.analysis import abtest

COUNTS = [(2000, 110, 2010, 150), (640, 31, 655, 29), (150, 12, 90, 15)]


@pytest.mark.parametrize(("n_c", "x_c", "n_t", "x_t"), COUNTS)
def test_lift_interval_and_p_value_match_statsmodels(n_c, x_c, n_t, x_t):
    result = abtest.lift_test(n_c, x_c, n_t, x_t)
    assert result["lift"] == pytest.approx(x_t / n_t - x_c / n_c)
    low, high = confint_proportions_2indep(x_t, n_t, x_c, n_c, compare="diff", method="wald")
    assert (result["ci_low"], result["ci_high"]) == pytest.approx((low, high), rel=1e-9)
    wald = wald_test(x_t, n_t, x_c, n_c, compare="diff", method="wald", correction=False)
    assert result["p_value"] == pytest.approx(wald.pvalue, rel=1e-9)


def test_empty_or_constant_groups_give_nan_not_errors():
    assert np.isnan(abtest.lift_test(0, 0, 10, 2)["lift"])
    assert np.isnan(abtest.lift_test(10, 0, 10, 0)["p_value"])
    assert np.isnan(abtest.power(0.0, 0.01, 100, 100))
    assert np.isnan(abtest.minimum_detectable_effect(0.05, 0, 100))


@pytest.mark.parametrize(("base", "effect", "n_c", "n_t"), [(0.055, 0.011, 2000, 2010), (0.1, 0.03, 500, 400)])
def test_power_and_mde_match_statsmodels(base, effect, n_c, n_t):
    h = proportion_effectsize(base + effect, base)
    expected = NormalIndPower().power(effect_size=h, nobs1=n_c, alpha=0.05, ratio=n_t / n_c)
    assert abtest.power(base, effect, n_c, n_t) == pytest.approx(expected, rel=1e-9)
    mde = abtest.minimum_detectable_effect(base, n_c, n_t)
    h_needed = NormalIndPower().solve_power(effect_size=None, nobs1=n_c, alpha=0.05, power=0.8, ratio=n_t / n_c)
    assert abtest.cohen_h(base, base + mde) == pytest.approx(h_needed, rel=1e-6)
    assert abtest.power(base, mde, n_c, n_t) == pytest.approx(0.8, abs=1e-6)


@pytest.mark.parametrize("counts", [[1000, 1000], [1100, 900], [520, 480, 505]])
def test_srm_matches_scipy_chisquare(counts):
    result = abtest.sample_ratio_mismatch(counts)
    expected = stats.chisquare(counts)
    assert result["chi2"] == pytest.approx(expected.statistic)
    assert result["p_value"] == pytest.approx(expected.pvalue)
    assert result["mismatch"] == (expected.pvalue < abtest.SRM_ALPHA)
    uneven = abtest.sample_ratio_mismatch([300, 700], [0.3, 0.7])
    assert uneven["p_value"] == pytest.approx(1.0)


def test_guardrail_matches_statsmodels_welch():
    rng = np.random.default_rng(3)
    control, treatment = rng.normal(30, 8, 120), rng.normal(27, 10, 110)
    result = abtest.guardrail(control, treatment)
    compare = CompareMeans(DescrStatsW(treatment), DescrStatsW(control))
    _, p_value, _ = compare.ttest_ind(usevar="unequal")
    assert result["p_value"] == pytest.approx(p_value, rel=1e-9)
    assert (result["ci_low"], result["ci_high"]) == pytest.approx(compare.tconfint_diff(usevar="unequal"), rel=1e-9)
    assert result["harmed"] == (result["ci_high"] < 0)
    assert np.isnan(abtest.guardrail([1.0], [2.0, 3.0])["difference"])


def test_read_test_on_generated_data_counts_what_the_table_holds():
    tables = pd_gen.generate(pd_gen.Config(scale=0.1))
    ab = tables["ab_assignments"]
    result = abtest.read_test(ab, tables["orders"])
    assert result["control_n"] + result["treatment_n"] == len(ab)
    assert result["treatment_conversions"] == ab.loc[ab["group"] == "treatment", "converted"].sum()
    margins = abtest.user_margins(ab, tables["orders"])
    assert len(margins["control"]) == result["control_n"]  # every assigned user, buyer or not
    assert (margins["control"] != 0).sum() <= result["control_conversions"]


def test_ten_percent_assignment_bug_is_flagged_by_srm():
    tables = pd_gen.generate(pd_gen.Config(scale=0.5, ab_assignment_bug=0.1))
    result = abtest.read_test(tables["ab_assignments"], tables["orders"])
    assert result["srm_p_value"] < 0.001 and result["srm_detected"]
    clean = pd_gen.generate(pd_gen.Config(scale=0.5))
    assert not abtest.read_test(clean["ab_assignments"], clean["orders"])["srm_detected"]


@pytest.mark.slow
def test_equal_coupons_find_no_effect_at_the_nominal_rate():
    """With equal coupons, p < 0.05 should happen in about 5% of seeds (binomial band over 300 seeds)."""
    seeds = range(300)
    p_values = []
    for seed in seeds:
        tables = pd_gen.generate(pd_gen.Config(seed=seed, scale=0.05, coupon_treatment=5.0, coupon_control=5.0))
        counts = abtest.group_counts(tables["ab_assignments"])
        p_values.append(abtest.lift_test(*counts.loc["control"], *counts.loc["treatment"])["p_value"])
    rate = float(np.mean(np.asarray(p_values) < 0.05))
    low, high = stats.binom.ppf([0.001, 0.999], len(seeds), 0.05) / len(seeds)
    assert low <= rate <= high, rate
    assert pd.Series(p_values).notna().all()


def test_sample_size_matches_statsmodels():
    h = proportion_effectsize(0.066, 0.055)
    expected = NormalIndPower().solve_power(effect_size=h, alpha=0.05, power=0.8, ratio=1.0)
    assert abtest.sample_size_per_arm(0.055, 0.011) == np.ceil(expected)
    assert np.isnan(abtest.sample_size_per_arm(0.055, 0.0))
