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
