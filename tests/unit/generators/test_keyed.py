"""Keyed random numbers: uniform, independent across labels, and inverse-CDF draws that match scipy."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from generators import keyed

ROOT = keyed.stream(42, "test")


def test_uniforms_are_uniform_and_labels_independent():
    keys = keyed.key(ROOT, np.arange(50_000), 7)
    u, v = keyed.uniform(keys, 1), keyed.uniform(keys, 2)
    assert stats.kstest(u, "uniform").pvalue > 0.001
    assert abs(np.corrcoef(u, v)[0, 1]) < 0.02
    assert ((u >= 0) & (u < 1)).all()


def test_a_position_gives_the_same_number_whatever_else_is_drawn():
    few = keyed.uniform(keyed.key(ROOT, np.arange(10)), 3)
    many = keyed.uniform(keyed.key(ROOT, np.arange(1_000)), 3)
    assert (few == many[:10]).all()
    assert keyed.stream(42, "test") == ROOT and keyed.stream(43, "test") != ROOT


@pytest.mark.parametrize("mean", [0.05, 1.3, 7.0, 40.0])
def test_poisson_inverts_the_distribution_function(mean):
    u = np.linspace(0.0005, 0.9995, 2_000)
    assert (keyed.poisson(u, np.full(len(u), mean)) == stats.poisson.ppf(u, mean)).all()


def test_many_counts_with_small_and_large_means_invert_the_distribution_function():
    # Enough rows for both ways of summing: one term a pass while many are open, then growing blocks of terms
    # for the few with large means (the tail of the loop that used to run hundreds of passes).
    rng = np.random.default_rng(5)
    u = rng.uniform(0.001, 0.999, 60_000)
    mean = np.where(rng.random(len(u)) < 0.995, rng.gamma(2.0, 3.0, len(u)), rng.uniform(100, 450, len(u)))
    assert len(u) > keyed._FEW and (mean > 100).sum() > 100
    assert (keyed.poisson(u, mean) == stats.poisson.ppf(u, mean)).all()
    trials = np.where(mean > 100, 600, 30)
    assert (keyed.binomial(u, trials, 0.4) == stats.binom.ppf(u, trials, 0.4)).all()


@pytest.mark.parametrize(("n", "p"), [(10, 0.3), (3, 0.5), (25, 0.02), (8, 0.97)])
def test_binomial_inverts_the_distribution_function(n, p):
    u = np.linspace(0.0005, 0.9995, 2_000)
    assert (keyed.binomial(u, np.full(len(u), n), p) == stats.binom.ppf(u, n, p)).all()
    assert (keyed.binomial(u, np.full(len(u), n), 1.0) == n).all()
    assert (keyed.binomial(u, np.full(len(u), n), 0.0) == 0).all()


def test_rows_sharing_a_few_distributions_read_their_counts_from_a_table():
    # Contacts of five city tiers, trials with a handful of chances: one table of F(k) per distribution.
    rng = np.random.default_rng(11)
    u = rng.uniform(0.0, 0.9999, 40_000)
    mean = rng.choice([0.0, 0.3, 12.0, 35.0, 300.0], len(u))
    assert keyed._distributions((mean,), len(u)) is not None
    assert (keyed.poisson(u, mean) == stats.poisson.ppf(u, mean)).all()
    trials, chance = rng.integers(0, 40, len(u)), rng.choice([0.02, 0.3, 0.5, 0.9], len(u))
    assert keyed._distributions((trials, chance), len(u)) is not None
    assert (keyed.binomial(u, trials, chance) == stats.binom.ppf(u, trials, chance)).all()


def test_the_table_and_the_stepwise_sums_give_the_same_counts():
    # Generated data stays the same whichever way a count is found, up to the last bit of each sum: u just
    # below 1 runs into the bound, where rounding keeps F(k) at or below u.
    rng = np.random.default_rng(12)
    u = np.r_[rng.random(30_000), np.nextafter(1.0, 0.0), 1 - 1e-15]
    mean = rng.choice([0.05, 4.0, 40.0, 420.0], len(u))
    limit = mean + 12 * np.sqrt(mean) + 30
    arguments = (u, np.exp(-mean), limit, (mean,), lambda mean, k: mean / k)
    groups = keyed._distributions((mean,), len(u))
    assert groups is not None
    assert (keyed._invert_by_table(*arguments, *groups) == keyed._invert_stepwise(*arguments)).all()


def test_many_distinct_distributions_are_summed_stepwise():
    rng = np.random.default_rng(13)
    assert keyed._distributions((rng.gamma(2.0, 3.0, 10_000),), 10_000) is None
    assert keyed._distributions((rng.integers(0, 5_000, 10_000),), 10_000) is None


def test_continuous_draws_match_scipy():
    u = np.linspace(0.001, 0.999, 999)
    assert np.allclose(keyed.gamma(u, 0.7, 2.0), stats.gamma.ppf(u, 0.7, scale=2.0))
    assert np.allclose(keyed.beta22(u), stats.beta.ppf(u, 2.0, 2.0))
    assert np.allclose(keyed.lognormal(u, 0.5), stats.lognorm.ppf(u, 0.5))
    assert np.allclose(keyed.exponential(u, 3.0), stats.expon.ppf(u, scale=3.0))


def test_choice_follows_the_weights():
    u = keyed.uniform(keyed.key(ROOT, np.arange(40_000)), 5)
    picked = keyed.choice(u, np.array([1.0, 3.0, 6.0]))
    assert np.allclose(np.bincount(picked) / len(u), [0.1, 0.3, 0.6], atol=0.01)


def test_the_table_counts_u_equal_to_a_step_and_its_neighbours_exactly():
    # The lookup table cuts [0, 1) into parts and compares only the u in a part that holds a step F(k): a u
    # exactly at a step, or one ulp either side, must still count as the loop counts (F(k) ≤ u).
    mean = np.repeat([0.3, 2.5, 9.0, 60.0], 3_000)
    limit = mean + 12 * np.sqrt(mean) + 30
    steps = np.concatenate([stats.poisson.cdf(np.arange(120), m) for m in (0.3, 2.5, 9.0, 60.0)])
    steps = steps[(steps > 0) & (steps < 1)]
    u = np.concatenate([steps, np.nextafter(steps, 0.0), np.nextafter(steps, 1.0)])
    u = np.resize(u[u < 1], len(mean))  # the table is for u in [0, 1), as uniforms are
    arguments = (u, np.exp(-mean), limit, (mean,), lambda mean, k: mean / k)
    groups = keyed._distributions((mean,), len(u))
    assert groups is not None
    assert (keyed._invert_by_table(*arguments, *groups) == keyed._invert_stepwise(*arguments)).all()
