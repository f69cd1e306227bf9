"""Distribution of linear combinations of chi-squares: exact and independent checks.

R cannot run method "integration" here (CompQuadForm is not installed), so
micropop's Davies algorithm is checked against

- exact distributions: equal coefficients make a scaled chi-square or F;
- Imhof's (1961) inversion formula, integrated here with scipy's ``quad`` at a
  tolerance far below Davies' error bound.

R's saddlepoint and Satterthwaite values are in test_golden_chisqsum.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, stats

from micropop.errors import ChisqSumAccuracyError, ChisqSumError, MicropopError
from micropop.estimation import chisqsum
from micropop.estimation.chisqsum import pchisqsum, pfsum
from support.golden import build

#: Davies' error bounds: 1e-9 asked by pchisqsum, 1e-7 by pfsum (as R's pFsum).
PCHISQSUM_ATOL, PFSUM_ATOL = 1e-9, 1e-7


def imhof_upper(c: float, lam, n) -> float:
    """``P(sum lam_j chi2_{n_j} > c)`` by Imhof's formula::

        1/2 + (1/pi) int_0^inf sin(phi(u) - c u / 2) / (u rho(u)) du,
        phi(u) = sum_j n_j atan(lam_j u) / 2,
        rho(u) = prod_j (1 + lam_j^2 u^2)^(n_j / 4).

    Adaptive quadrature; for ``c != 0`` only up to ``u = 50 / min |lam|``:
    beyond, where the integrand decays slowly, ``sin(phi - c u / 2)`` is
    expanded so that QUADPACK's Fourier-integral rule (QAWF) takes the
    oscillation ``c u / 2``.
    """
    lam, n = np.asarray(lam, dtype=float), np.asarray(n, dtype=float)

    def phase(u: float) -> float:
        return 0.5 * float(np.dot(n, np.arctan(lam * u)))

    def damping(u: float) -> float:
        return math.exp(-0.25 * float(np.dot(n, np.log1p((lam * u) ** 2)))) / u

    split = np.inf if c == 0 else 50.0 / np.min(np.abs(lam))
    parts = [integrate.quad(lambda u: math.sin(phase(u) - 0.5 * c * u) * damping(u),
                            0.0, split, limit=5000, epsabs=1e-13, epsrel=1e-13)]
    if c != 0:
        cos_part = integrate.quad(lambda u: math.sin(phase(u)) * damping(u), split, np.inf,
                                  weight="cos", wvar=0.5 * c, limlst=200, epsabs=1e-13)
        sin_part = integrate.quad(lambda u: math.cos(phase(u)) * damping(u), split, np.inf,
                                  weight="sin", wvar=0.5 * c, limlst=200, epsabs=1e-13)
        parts += [cos_part, (-sin_part[0], sin_part[1])]
    assert sum(error for _, error in parts) < 1e-10
    return 0.5 + sum(value for value, _ in parts) / math.pi


def test_imhof_reference_is_exact_for_one_chisq():
    for k in (1, 2, 3):
        for x in (0.05, 0.5, 3.0, 10.0):
            assert imhof_upper(x, [1.0], [k]) == pytest.approx(stats.chi2.sf(x, k), abs=1e-13)


# --- exact cases --------------------------------------------------------------------


@pytest.mark.parametrize("df, scale", [([1, 1], 1.0), ([3], 2.0), ([1, 2, 2], 0.7)])
def test_integration_equal_coefficients_is_scaled_chisq(df, scale):
    x = np.array([0.05, 0.5, 1.0, 3.0, 7.5, 20.0, 45.0]) * scale
    total = sum(df)
    for lower in (True, False):
        ours = pchisqsum(x, df, [scale] * len(df), lower_tail=lower, method="integration")
        exact = stats.chi2.cdf(x / scale, total) if lower else stats.chi2.sf(x / scale, total)
        np.testing.assert_allclose(ours, exact, rtol=0, atol=PCHISQSUM_ATOL)


@pytest.mark.parametrize("k, ddf", [(1, 10), (3, 12), (2, 40)])
def test_integration_equal_coefficients_is_f(k, ddf):
    x = np.array([0.2, 1.0, 2.5, 6.0, 15.0])
    ours = pfsum(x, [1] * k, [1.0] * k, ddf=ddf, lower_tail=False, method="integration")
    np.testing.assert_allclose(ours, stats.f.sf(x / k, k, ddf), rtol=0, atol=PFSUM_ATOL)


@pytest.mark.parametrize("ddf", [np.inf, 9])
def test_satterthwaite_is_exact_for_equal_coefficients(ddf):
    x = np.array([0.3, 2.0, 9.0])
    ours = pfsum(x, [2, 1], [1.5, 1.5], ddf=ddf, lower_tail=False, method="satterthwaite")
    exact = stats.chi2.sf(x / 1.5, 3) if np.isinf(ddf) else stats.f.sf(x / 4.5, 3, ddf)
    np.testing.assert_allclose(ours, exact, rtol=1e-12)


# --- Imhof's formula --------------------------------------------------------------------

COMBINATIONS = {"unequal": ([2.5, 1.0, 0.4, 0.3], [1, 2, 1, 2]),
                "dominant": ([10.0, 0.5, 0.5], [1, 3, 2]),
                "negative": ([2.5, 1.0, -0.4, 0.6, -0.3], [1, 1, 2, 1, 1])}


@pytest.mark.parametrize("name", COMBINATIONS)
def test_pchisqsum_integration_matches_imhof(name):
    a, df = COMBINATIONS[name]
    mean = float(np.dot(a, df))
    x = mean * np.array([0.3, 1.0, 2.5])
    ours = pchisqsum(x, df, a, lower_tail=False, method="integration")
    np.testing.assert_allclose(ours, [imhof_upper(q, a, df) for q in x], rtol=0,
                               atol=PCHISQSUM_ATOL)


@pytest.mark.parametrize("ddf", [7.0, 23.6, 150.0])
def test_pfsum_integration_matches_imhof(ddf):
    a, df = COMBINATIONS["unequal"]
    x = np.array([0.5, 4.0, 12.0])
    whole = math.floor(ddf)  # R's davies(h = as.integer(ddf))
    imhof = [imhof_upper(0.0, a + [-q / ddf], df + [whole]) for q in x]
    ours = pfsum(x, df, a, ddf=ddf, lower_tail=False, method="integration")
    np.testing.assert_allclose(ours, imhof, rtol=0, atol=PFSUM_ATOL)


def test_saddlepoint_is_close_to_integration():
    a, df = COMBINATIONS["unequal"]
    x = np.array([2.0, 6.0, 15.0])
    exact = pchisqsum(x, df, a, lower_tail=False, method="integration")
    np.testing.assert_allclose(pchisqsum(x, df, a, lower_tail=False, method="saddlepoint"),
                               exact, rtol=0.05)


# --- shapes, tails and edges -----------------------------------------------------------


@pytest.mark.parametrize("method", chisqsum.CHISQSUM_METHODS)
def test_tails_add_to_one_and_shape_is_kept(method):
    x = np.array([[0.5, 2.0, 4.0], [8.0, 12.0, 30.0]])
    lower = pfsum(x, 1, [3.0, 1.0, 0.5], ddf=30, method=method)
    upper = pfsum(x, 1, [3.0, 1.0, 0.5], ddf=30, lower_tail=False, method=method)
    assert lower.shape == x.shape
    np.testing.assert_allclose(lower + upper, 1.0, atol=1e-12)
    assert np.all(np.diff(lower.ravel()) > 0)


def test_saddlepoint_below_zero_is_certain():
    # R's root finder stops here; the tail is exactly 1
    assert pchisqsum([-1.0, 0.0], 1, [1.0, 2.0], lower_tail=False,
                     method="saddlepoint").tolist() == [1.0, 1.0]


def test_saddlepoint_at_the_mean_falls_back_to_satterthwaite():
    a = [2.0, 1.0, 0.5]
    sat = pchisqsum(3.5, 1, a, method="satterthwaite")
    assert pchisqsum(3.5, 1, a, method="saddlepoint") == sat


def test_pfsum_infinite_ddf_is_pchisqsum():
    x, a = [1.0, 5.0], [2.0, 0.5]
    for method in chisqsum.CHISQSUM_METHODS:
        np.testing.assert_array_equal(pfsum(x, 1, a, method=method),
                                      pchisqsum(x, 1, a, method=method))


# --- bad input -----------------------------------------------------------------------


@pytest.mark.parametrize("call, match", [
    (lambda: pchisqsum(np.nan, 1, [1.0, 2.0]), "x has 1 missing"),
    (lambda: pchisqsum([1.0, np.inf], 1, [1.0]), "x has 1 missing"),
    (lambda: pchisqsum(1.0, [1, 1, 1], [1.0, 2.0]), "df has 3 value"),
    (lambda: pchisqsum(1.0, [1, 0.5], [1.0, 2.0]), "whole numbers"),
    (lambda: pchisqsum(1.0, 0, [1.0]), "whole numbers"),
    (lambda: pchisqsum(1.0, 1, [-1.0, -2.0]), "at least one positive"),
    (lambda: pchisqsum(1.0, 1, [1.0, np.nan]), "at least one positive"),
    (lambda: pchisqsum(1.0, 1, [1.0, -0.5], method="satterthwaite"), "positive coef"),
    (lambda: pchisqsum(1.0, 1, [1.0], method="davies"), "not a method"),
    (lambda: pfsum(1.0, 1, [1.0], ddf=0.5), "ddf=0.5"),
    (lambda: pfsum(1.0, 1, [1.0], ddf=np.nan), "ddf=nan"),
])
def test_bad_input_raises(call, match):
    with pytest.raises(ChisqSumError, match=match) as info:
        call()
    assert isinstance(info.value, MicropopError)


def test_davies_failure_raises(monkeypatch):
    monkeypatch.setattr(chisqsum, "_PFSUM_ATTEMPTS", ((1e-7, 20),))
    with pytest.raises(ChisqSumAccuracyError, match="within 20 terms"):
        pfsum(3.0, 1, [1.0, 0.5], ddf=10, method="integration")


# --- svychisq(statistic="lincom") ----------------------------------------------------


@pytest.mark.parametrize("design", ["srs", "clus1", "rep_jk1"])
def test_lincom_is_the_exact_tail_of_pearson(design):
    des = build(design)
    test = des.chisq("awards", "stype", statistic="lincom")
    assert (test.statistic_name, test.method) == (
        "X-squared", "Pearson's X^2: asymptotic exact distribution")
    assert test.statistic == pytest.approx(test.pearson, rel=1e-15)
    assert test.ndf == len(test.design_effects) == 2
    lam, n = list(test.design_effects), [1, 1]
    if np.isinf(test.ddf):  # a replicate design: the chi-square sum, as R
        imhof, atol = imhof_upper(test.pearson, lam, n), PCHISQSUM_ATOL
    else:
        assert test.ddf == pytest.approx(des.chisq("awards", "stype").ddf, rel=1e-15)
        imhof = imhof_upper(0.0, lam + [-test.pearson / test.ddf],
                            n + [math.floor(test.ddf + 1e-9)])  # ddf = d0 nu, whole up to rounding
        atol = PFSUM_ATOL
    assert test.p_value == pytest.approx(imhof, abs=atol)
    saddle = des.chisq("awards", "stype", statistic="saddlepoint").p_value
    assert test.p_value == pytest.approx(saddle, rel=0.05)
