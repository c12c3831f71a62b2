"""Bootstrap intervals and permutation tests on data with a known answer."""
from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
import pytest

from analysis import stats


def _two_groups(shift: float, n: int = 60, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "outlet": ["a"] * n + ["b"] * n,
        "polarity": np.concatenate([rng.normal(shift, 0.2, n), rng.normal(0.0, 0.2, n)]),
    })


def test_bootstrap_constant_group_has_zero_width_interval():
    data = pd.DataFrame({"outlet": ["a"] * 5, "polarity": [0.4] * 5})
    out = stats.bootstrap_ci(data)
    assert out.loc[0, "mean"] == pytest.approx(0.4)
    assert out.loc[0, "ci_low"] == pytest.approx(0.4)
    assert out.loc[0, "ci_high"] == pytest.approx(0.4)


def test_bootstrap_interval_covers_mean_and_shrinks_with_n():
    rng = np.random.default_rng(0)
    small = pd.DataFrame({"outlet": "a", "polarity": rng.normal(0.3, 0.5, 20)})
    large = pd.DataFrame({"outlet": "a", "polarity": rng.normal(0.3, 0.5, 2000)})
    s = stats.bootstrap_ci(small, n_boot=1000).iloc[0]
    l = stats.bootstrap_ci(large, n_boot=1000).iloc[0]
    assert s["ci_low"] < s["mean"] < s["ci_high"]
    assert l["ci_low"] < 0.3 < l["ci_high"]
    assert (l["ci_high"] - l["ci_low"]) < (s["ci_high"] - s["ci_low"]) / 5
    # the bootstrap standard error is close to sd / sqrt(n)
    assert l["se"] == pytest.approx(0.5 / np.sqrt(2000), rel=0.15)


def test_bootstrap_weighted_mean_and_determinism():
    data = pd.DataFrame({"outlet": ["a", "a"], "polarity": [1.0, 0.0], "w": [3.0, 1.0]})
    out = stats.bootstrap_ci(data, weight="w")
    assert out.loc[0, "mean"] == pytest.approx(0.75)
    d = _two_groups(0.5)
    pd.testing.assert_frame_equal(stats.bootstrap_ci(d, seed=3), stats.bootstrap_ci(d, seed=3))
    assert not stats.bootstrap_ci(d, seed=3).equals(stats.bootstrap_ci(d, seed=4))


def test_permutation_exact_matches_hand_enumeration():
    # a = [3, 4], b = [0, 1, 2]: observed diff 3.5 - 1 = 2.5; of the C(5,2) = 10 splits,
    # only {3,4} itself reaches |diff| >= 2.5 (its mirror {0,1} gives 0.5 - 3 = -2.5), so p = 2/10.
    data = pd.DataFrame({"outlet": ["a", "a", "b", "b", "b"], "polarity": [3.0, 4.0, 0.0, 1.0, 2.0]})
    out = stats.permutation_test(data, pairs=[("a", "b")])
    row = out.iloc[0]
    assert row["exact"]
    assert row["diff"] == pytest.approx(2.5)
    vals = np.array([3.0, 4.0, 0.0, 1.0, 2.0])
    diffs = [vals[list(c)].mean() - np.delete(vals, list(c)).mean() for c in combinations(range(5), 2)]
    expected = np.mean(np.abs(diffs) >= 2.5 - 1e-12)
    assert expected == pytest.approx(0.2)
    assert row["p_value"] == pytest.approx(expected)
    greater = stats.permutation_test(data, pairs=[("a", "b")], alternative="greater").iloc[0]
    assert greater["p_value"] == pytest.approx(0.1)


def test_permutation_detects_a_real_difference_and_not_a_null_one():
    shifted = stats.permutation_test(_two_groups(0.5), n_perm=2000).iloc[0]
    assert shifted["p_value"] == pytest.approx(1 / 2001)  # nothing as extreme: the minimum possible
    null = stats.permutation_test(_two_groups(0.0), n_perm=2000).iloc[0]
    assert null["p_value"] > 0.05


def test_permutation_p_values_are_uniform_under_the_null():
    # 200 null data sets: about 5 % fall below 0.05
    ps = [stats.permutation_test(_two_groups(0.0, n=15, seed=s), n_perm=300, seed=s).iloc[0]["p_value"]
          for s in range(200)]
    assert 0.01 <= np.mean(np.array(ps) < 0.05) <= 0.10


def test_permutation_is_deterministic_and_checks_input():
    d = _two_groups(0.1)
    pd.testing.assert_frame_equal(stats.permutation_test(d), stats.permutation_test(d))
    with pytest.raises(KeyError, match="available columns"):
        stats.permutation_test(d, value="tone")
    with pytest.raises(ValueError, match="no group 'c'"):
        stats.permutation_test(d, pairs=[("a", "c")])
