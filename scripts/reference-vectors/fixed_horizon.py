#!/usr/bin/env python3
"""Reference vectors for Sources/Statistics/Distributions and Sources/Statistics/FixedHorizon.

    python3 fixed_horizon.py OUTDIR

writes OUTDIR/distributions.json and OUTDIR/fixed_horizon.json from scipy (1.17). The output
is deterministic (own seeded generator, sorted keys, floats by repr), so re-running it with
the same scipy gives the same bytes.

Hodges-Lehmann has no scipy counterpart: its reference comes from a line-by-line port of R's
wilcox.test (two-sample, exact=FALSE) and of R's Brent root finder R_zeroin2
(src/library/stats/src/zeroin.c), below, plus the literal vector from Kayenta's test suite.
"""
import json
import math
import os
import random
import sys
import warnings

import numpy as np
import scipy
from scipy import special, stats

EPSILON = 2.220446049250313e-16  # DBL_EPSILON


def fl(value):
    """A plain Python float (numpy scalars repr differently)."""
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"non-finite reference value {value}")
    return value


# ---------------------------------------------------------------------------------------
# Distributions


def distribution_cases():
    cases = []

    def add(function, args, expected):
        cases.append({"function": function, "args": [fl(a) for a in args], "expected": fl(expected)})

    norm_x = [-38.4, -37.5, -30, -20, -10, -8.5, -5, -3, -1.959963984540054, -1, -0.5, -1e-3, -1e-10,
              0, 1e-10, 1e-3, 0.3, 0.5, 1, 1.5, 2.5, 3, 5, 8.5, 10, 20, 30, 37.5, 38.4]
    for x in norm_x:
        add("norm.cdf", [x], stats.norm.cdf(x))
        add("norm.sf", [x], stats.norm.sf(x))
        add("norm.pdf", [x], stats.norm.pdf(x))
        add("norm.twoSidedP", [x], min(1.0, 2 * stats.norm.sf(abs(x))))
    for p in [1e-300, 1e-200, 1e-100, 1e-50, 1e-20, 1e-12, 1e-10, 1e-5, 1e-3, 0.01, 0.025, 0.05, 0.075,
              0.1, 0.2, 0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7, 0.8, 0.9, 0.925, 0.95, 0.975, 0.99, 0.999,
              1 - 1e-5, 1 - 1e-10]:
        add("norm.ppf", [p], stats.norm.ppf(p))

    t_values = [-100, -40, -10, -6.192137243673154, -3, -1.5, -0.3, -1e-6, 0, 1e-6, 0.3, 1, 1.5, 2, 3,
                6.192137243673154, 10, 40, 100, 1000, 1e6]
    t_dfs = [0.5, 1, 1.5, 2, 3, 4.5, 5, 8.9877280045323, 10, 17.3, 30, 100, 1000, 1e5, 1e7]
    for df in t_dfs:
        for t in t_values:
            add("t.sf", [t, df], stats.t.sf(t, df))
            add("t.cdf", [t, df], stats.t.cdf(t, df))
        for t in [0.5, 2.5, 7, 50]:
            add("t.twoSidedP", [t, df], min(1.0, 2 * stats.t.sf(abs(t), df)))

    chi_dfs = [0.5, 1, 2, 2.5, 3, 5, 10, 30, 100, 1000, 10000, 100000]
    for df in chi_dfs:
        for factor in [1e-4, 0.01, 0.2, 0.5, 0.9, 1, 1.1, 1.5, 2, 3, 5, 10]:
            x = df * factor
            add("chi2.sf", [x, df], stats.chi2.sf(x, df))
            add("chi2.cdf", [x, df], stats.chi2.cdf(x, df))
    # Deep upper tails: p-values down to ~1e-200 and below.
    for x, df in [(40, 1), (100, 1), (500, 1), (915, 1), (1000, 1), (1400, 1), (300, 3), (950, 2),
                  (1000, 10), (1100, 50), (1500, 100), (2500, 1000), (3000, 1000), (15000, 10000),
                  (120000, 100000)]:
        add("chi2.sf", [x, df], stats.chi2.sf(x, df))
    for x, df in [(1e-6, 1), (1e-3, 10), (10, 100), (300, 1000), (7000, 10000)]:
        add("chi2.cdf", [x, df], stats.chi2.cdf(x, df))

    for a in [0.5, 1, 2.5, 10, 100, 1000]:
        for b in [0.5, 1, 3.5, 10, 100, 1000]:
            for x in [1e-5, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.999]:
                add("betainc", [a, b, x], special.betainc(a, b, x))
                add("betaincc", [a, b, x], special.betaincc(a, b, x))
        for b in [0.5, 2, 50]:
            add("betaln", [a, b], special.betaln(a, b))

    for a in [0.5, 1, 2, 3.5, 10, 50, 100, 1000, 10000]:
        for factor in [1e-3, 0.1, 0.5, 0.9, 1, 1.1, 1.5, 2, 4, 10]:
            x = a * factor
            add("gammainc", [a, x], special.gammainc(a, x))
            add("gammaincc", [a, x], special.gammaincc(a, x))
    for x in [1e-5, 0.1, 0.5, 1.5, 2.5, 3, 7.25, 10, 100.5, 1000, 1e4, 1e6, 1e10]:
        add("gammaln", [x], special.gammaln(x))

    binom_cases = [
        (0, 1, 0.3), (1, 1, 0.3), (0, 10, 0.01), (3, 20, 0.4), (14, 20, 0.4), (10, 20, 0.5),
        (5, 10, 0.9), (9, 10, 0.9), (50, 100, 0.5), (30, 100, 0.5), (70, 100, 0.5), (2, 100, 0.3),
        (97, 100, 0.3), (100, 1000, 0.1), (130, 1000, 0.1), (80, 1000, 0.1), (5, 1000, 0.001),
        (0, 1000, 0.001), (500, 1000, 0.3), (49500, 100000, 0.5), (50500, 100000, 0.5),
        (1000, 100000, 0.01), (1200, 100000, 0.01), (850, 100000, 0.01), (99, 100, 0.999),
    ]
    for k, n, p in binom_cases:
        add("binom.logpmf", [k, n, p], stats.binom.logpmf(k, n, p))
        add("binom.pmf", [k, n, p], stats.binom.pmf(k, n, p))
        add("binom.cdf", [k, n, p], stats.binom.cdf(k, n, p))
        if k < n:  # P(X > n) is 0 exactly; nothing to compare
            add("binom.sf", [k, n, p], stats.binom.sf(k, n, p))
    return cases


# ---------------------------------------------------------------------------------------
# Deterministic data


class Data:
    """Seeded data from Python's Mersenne Twister (random.random is stable across versions)."""

    def __init__(self, seed):
        self.rng = random.Random(seed)

    def normal(self):
        # Box-Muller on random.random(), so nothing depends on library sampling algorithms.
        u1 = 1.0 - self.rng.random()
        u2 = self.rng.random()
        return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)

    def sample(self, n, mean, sd, digits=None):
        values = [mean + sd * self.normal() for _ in range(n)]
        return [round(v, digits) for v in values] if digits is not None else values

    def latencies(self, n, median, spread, digits):
        return [round(median * math.exp(spread * self.normal()), digits) for _ in range(n)]

    def integer(self, lo, hi):
        return self.rng.randint(lo, hi)


ALTERNATIVES = ["two-sided", "less", "greater"]
SWIFT_ALTERNATIVE = {"two-sided": "twoSided", "less": "less", "greater": "greater"}


# ---------------------------------------------------------------------------------------
# Mann-Whitney U (scipy.stats.mannwhitneyu, method='asymptotic')


def mwu_z(x, y, use_continuity, alternative):
    """scipy's _get_mwu_z, recomputed here so the vectors carry z (scipy returns only U1 and p)."""
    xy = np.concatenate([np.asarray(x, float), np.asarray(y, float)])
    n1, n2 = len(x), len(y)
    ranks = stats.rankdata(xy)
    _, t = np.unique(xy, return_counts=True)
    t = t.astype(float)
    u1 = float(np.sum(ranks[:n1])) - n1 * (n1 + 1) / 2
    u2 = n1 * n2 - u1
    u = {"greater": u1, "less": u2, "two-sided": max(u1, u2)}[alternative]
    n = n1 + n2
    s = math.sqrt(n1 * n2 / 12 * ((n + 1) - float(np.sum(t ** 3 - t)) / (n * (n - 1))))
    numerator = u - n1 * n2 / 2
    if use_continuity:
        numerator -= 0.5
    return numerator / s


def mwu_case(x, y, use_continuity, alternative):
    result = stats.mannwhitneyu(x, y, use_continuity=use_continuity, alternative=alternative,
                                method="asymptotic")
    z = mwu_z(x, y, use_continuity, alternative)
    factor = 2 if alternative == "two-sided" else 1
    assert math.isclose(min(1.0, factor * stats.norm.sf(z)), float(result.pvalue), rel_tol=1e-12), (z, result)
    return {
        "continuity": use_continuity,
        "alternative": SWIFT_ALTERNATIVE[alternative],
        "u": fl(result.statistic),
        "z": fl(z),
        "p": fl(result.pvalue),
        "effectSize": fl(result.statistic) / (len(x) * len(y)),
    }


def mann_whitney_sample_cases(data):
    datasets = [
        ("no ties", [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30],
         [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29]),
        ("heavy ties", [1, 2, 2, 3, 3, 3, 4, 4, 5], [2, 3, 3, 4, 4, 4, 5, 5, 5, 6]),
        ("one each", [1.0], [2.0]),
        ("one vs many", [5.0], [1, 2, 3, 4, 6, 7, 8]),
        ("separated", [10, 11, 12, 13, 14, 15], [1, 2, 3, 4, 5]),
        ("identical sets", [1, 2, 3, 4], [1, 2, 3, 4]),
        ("negative and zero", [-3, -1, 0, 0, 2, -0.5], [0, 1, 1, 3, -2, 4, 0]),
    ]
    for index, (n1, n2, shift, digits) in enumerate([(20, 25, 0.0, 2), (40, 30, 0.4, 1), (100, 120, 0.1, 2),
                                                     (250, 200, -0.2, 1), (300, 300, 0.05, 3), (7, 60, 0.8, 0)]):
        x = data.latencies(n1, 100.0 * math.exp(shift), 0.5, digits)
        y = data.latencies(n2, 100.0, 0.5, digits)
        datasets.append((f"latencies {index} ({n1} vs {n2})", x, y))
    cases = []
    for name, x, y in datasets:
        for use_continuity in [True, False]:
            for alternative in ALTERNATIVES:
                case = {"name": name, "x": [fl(v) for v in x], "y": [fl(v) for v in y]}
                case.update(mwu_case(x, y, use_continuity, alternative))
                cases.append(case)
    return cases


def mann_whitney_histogram_cases(data):
    histograms = [
        ("prometheus-like", [0, 5, 40, 120, 300, 210, 80, 20, 4, 1], [0, 2, 30, 110, 320, 250, 100, 30, 6, 2]),
        ("empty buckets both sides", [0, 0, 3, 0, 7, 0, 1], [0, 2, 0, 0, 5, 0, 4]),
        ("single bucket each", [10, 0], [0, 10]),
        ("one bucket shared", [3, 4], [4, 3]),
        ("shifted", [50, 40, 10, 0, 0], [0, 10, 40, 50, 1]),
    ]
    for index in range(5):
        buckets = 50 if index < 3 else 12
        a = [data.integer(0, 400) if data.rng.random() > 0.1 else 0 for _ in range(buckets)]
        b = [max(0, c + data.integer(-60, 60)) for c in a]
        histograms.append((f"random {index} ({buckets} buckets)", a, b))
    cases = []
    for name, a, b in histograms:
        x = np.repeat(np.arange(len(a), dtype=float), a)
        y = np.repeat(np.arange(len(b), dtype=float), b)
        for use_continuity in [True, False]:
            for alternative in ALTERNATIVES:
                case = {"name": name, "countsX": a, "countsY": b}
                case.update(mwu_case(x, y, use_continuity, alternative))
                cases.append(case)
    return cases


# ---------------------------------------------------------------------------------------
# Hodges-Lehmann: port of R's wilcox.test (two-sample, exact = FALSE, conf.int = TRUE)


def r_zeroin2(f, ax, bx, fa, fb, tol, maxit):
    """R_zeroin2 from R's src/library/stats/src/zeroin.c, statement by statement."""
    a, b = ax, bx
    c, fc = a, fa
    maxit = maxit + 1
    if fa == 0.0:
        return a
    if fb == 0.0:
        return b
    while maxit > 0:
        maxit -= 1
        prev_step = b - a
        if abs(fc) < abs(fb):
            a, b, c = b, c, b
            fa, fb, fc = fb, fc, fb
        tol_act = 2 * EPSILON * abs(b) + tol / 2
        new_step = (c - b) / 2
        if abs(new_step) <= tol_act or fb == 0.0:
            return b
        if abs(prev_step) >= tol_act and abs(fa) > abs(fb):
            cb = c - b
            if a == c:
                t1 = fb / fa
                p = cb * t1
                q = 1.0 - t1
            else:
                q = fa / fc
                t1 = fb / fc
                t2 = fb / fa
                p = t2 * (cb * q * (q - t1) - (b - a) * (t1 - 1.0))
                q = (q - 1.0) * (t1 - 1.0) * (t2 - 1.0)
            if p > 0.0:
                q = -q
            else:
                p = -p
            if p < (0.75 * cb * q - abs(tol_act * q) / 2) and p < abs(prev_step * q / 2):
                new_step = p / q
        if abs(new_step) < tol_act:
            new_step = tol_act if new_step > 0.0 else -tol_act
        a, fa = b, fb
        b += new_step
        fb = f(b)
        if (fb > 0 and fc > 0) or (fb < 0 and fc < 0):
            c, fc = a, fa
    return b  # not converged: R warns and returns the last approximation


def r_qnorm(p, lower_tail):
    """R's qnorm (Wichura AS 241) for 0 < p < 1, with R's handling of lower.tail = FALSE."""
    p_ = p if lower_tail else (0.5 - p + 0.5)
    q = p_ - 0.5
    if abs(q) <= 0.425:
        r = 0.180625 - q * q
        return q * (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r + 67265.770927008700853) * r
                        + 45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r
                     + 133.14166789178437745) * r + 3.387132872796366608) \
            / (((((((r * 5226.495278852545925 + 28729.085735721942674) * r + 39307.89580009271061) * r
                   + 21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r
                + 42.313330701600911252) * r + 1.0)
    # R_DT_CIv(p) is p itself when lower.tail = FALSE; R_DT_Iv(p) is p_.
    r = (p if not lower_tail else 0.5 - p + 0.5) if q > 0 else p_
    r = math.sqrt(-math.log(r))
    if r <= 5.0:
        r += -1.6
        val = (((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r + 0.24178072517745061177) * r
                   + 1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r
                + 4.6303378461565452959) * r + 1.42343711074968357734) \
            / (((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r
                   + 0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r
                + 2.05319162663775882187) * r + 1.0)
    else:
        r += -5.0
        val = (((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r
                   + 0.026532189526576123093) * r + 0.29656057182850489123) * r + 1.7848265399172913358) * r
                + 5.4637849111641143699) * r + 6.6579046435011037772) \
            / (((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r
                   + 7.868691311456132591e-4) * r + 0.0148753612908506148525) * r + 0.13692988092273580531) * r
                + 0.59983220655588793769) * r + 1.0)
    return -val if q < 0.0 else val


def r_rank_sum_and_ties(values, nx):
    """sum(rank(values)[1:nx]) and sum(table(rank)^3 - table(rank)), ranks averaged over ties."""
    n = len(values)
    order = sorted(range(n), key=lambda i: values[i])
    ranks = [0.0] * n
    tie_sum = 0.0
    i = 0
    while i < n:
        j = i
        while j + 1 < n and values[order[j + 1]] == values[order[i]]:
            j += 1
        average = (i + j + 2) / 2.0
        for k in range(i, j + 1):
            ranks[order[k]] = average
        t = float(j - i + 1)
        tie_sum += t ** 3 - t
        i = j + 1
    return sum(ranks[:nx]), tie_sum


class RWilcoxTwoSample:
    """wilcox.test(x, y, conf.int = TRUE, exact = FALSE, correct = correct, conf.level = ...)."""

    def __init__(self, x, y, correct):
        self.x, self.y, self.correct = list(x), list(y), correct
        self.nx, self.ny = float(len(x)), float(len(y))

    def W(self, d, correct):
        nx, ny = self.nx, self.ny
        dr = [xi - d for xi in self.x] + self.y
        rank_sum, tie_sum = r_rank_sum_and_ties(dr, len(self.x))
        dz = rank_sum - nx * (nx + 1) / 2 - nx * ny / 2
        correction = (math.copysign(0.5, dz) if dz != 0 else 0.0) if correct else 0.0
        sigma = math.sqrt((nx * ny / 12) * ((nx + ny + 1) - tie_sum / ((nx + ny) * (nx + ny - 1))))
        if sigma == 0:
            raise ValueError("cannot compute confidence interval when all observations are tied")
        return (dz - correction) / sigma

    def uniroot(self, f, lower, upper, f_lower, f_upper):
        if not lower < upper:
            raise ValueError("lower < upper  is not fulfilled")
        if (f_lower > 0 and f_upper > 0) or (f_lower < 0 and f_upper < 0):
            raise ValueError("f() values at end points not of opposite sign")
        return r_zeroin2(f, lower, upper, f_lower, f_upper, 1e-4, 1000)

    def run(self, conf_level, kayenta_estimate):
        alpha = 1 - conf_level
        mumin = min(self.x) - max(self.y)
        mumax = max(self.x) - min(self.y)
        w_mumin = self.W(mumin, self.correct)
        w_mumax = self.W(mumax, self.correct)

        def root(zq):
            f_lower = w_mumin - zq
            if f_lower <= 0:
                return mumin
            f_upper = w_mumax - zq
            if f_upper >= 0:
                return mumax
            return self.uniroot(lambda d: self.W(d, self.correct) - zq, mumin, mumax, f_lower, f_upper)

        lower = root(r_qnorm(alpha / 2, lower_tail=False))
        upper = root(r_qnorm(alpha / 2, lower_tail=True))
        # R sets correct <- FALSE before the estimate; Kayenta's port keeps the corrected W (zq = 0).
        estimate_correct = self.correct if kayenta_estimate else False
        w = lambda d: self.W(d, estimate_correct)
        estimate = self.uniroot(w, mumin, mumax, w(mumin), w(mumax))
        return lower, upper, estimate


def hodges_lehmann_cases(data):
    datasets = [
        ("kayenta suite", [10, 20, 30, 40], [1, 2, 3, 4]),
        ("R example: endpoint", [1.0], [float(v) for v in range(2, 61)]),
        ("ties", [1, 2, 2, 3, 3, 3, 4, 4, 5], [2, 3, 3, 4, 4, 4, 5, 5, 5, 6]),
        ("overlapping", [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30],
         [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29]),
        ("one vs two", [5.0], [1.0, 2.0]),
        ("identical", [1, 2, 3, 4, 5], [1, 2, 3, 4, 5]),
    ]
    for index, (n1, n2, shift, digits) in enumerate([(12, 15, 0.2, 1), (30, 30, 0.0, 2), (50, 45, -0.3, 0),
                                                     (80, 100, 0.1, 2), (8, 40, 0.5, 1), (150, 150, 0.05, 3)]):
        x = data.latencies(n1, 100.0 * math.exp(shift), 0.4, digits)
        y = data.latencies(n2, 100.0, 0.4, digits)
        datasets.append((f"latencies {index} ({n1} vs {n2})", x, y))
    cases = []
    for name, x, y in datasets:
        for conf_level in [0.8, 0.85, 0.9, 0.95, 0.99]:
            for correct in [True, False]:
                for kayenta in [True, False]:
                    try:
                        lower, upper, estimate = RWilcoxTwoSample(x, y, correct).run(conf_level, kayenta)
                    except ValueError:
                        continue
                    cases.append({
                        "name": name, "experiment": [fl(v) for v in x], "control": [fl(v) for v in y],
                        "confidenceLevel": conf_level, "continuityCorrection": correct,
                        "estimateMethod": "kayenta" if kayenta else "rWilcoxTest",
                        "lower": fl(lower), "upper": fl(upper), "estimate": fl(estimate),
                    })
    # Kayenta's MannWhitneySuite, literally.
    cases.append({"name": "kayenta literal", "experiment": [10.0, 20.0, 30.0, 40.0], "control": [1.0, 2.0, 3.0, 4.0],
                  "confidenceLevel": 0.95, "continuityCorrection": True, "estimateMethod": "kayenta",
                  "lower": 6.0, "upper": 39.0, "estimate": 22.5})
    return cases


# ---------------------------------------------------------------------------------------
# Welch, proportions, contingency, goodness of fit, binomial


def welch_cases(data):
    datasets = [
        ("required", [10.1, 9.8, 10.4, 10.0, 9.9], [10.9, 11.2, 10.7, 11.5, 10.8, 11.0]),
        ("two each", [1.0, 2.0], [3.0, 5.0]),
        ("one constant", [4.0, 4.0, 4.0], [3.0, 5.0, 6.5, 4.2]),
        ("unequal variances", [20.1, 22.4, 19.8, 25.0, 21.7, 30.2, 18.9], [21.0, 21.2, 20.9, 21.1]),
    ]
    for index, (n1, n2, m1, m2, s1, s2) in enumerate([(10, 12, 0, 0.5, 1, 2), (30, 25, 5, 5, 1, 1),
                                                      (100, 80, 0.1, 0, 1, 3), (500, 400, 100, 99.5, 10, 8),
                                                      (3, 50, 1, 0, 0.5, 1)]):
        datasets.append((f"normal {index} ({n1} vs {n2})", data.sample(n1, m1, s1, 3), data.sample(n2, m2, s2, 3)))
    cases = []
    for name, x, y in datasets:
        for alternative in ALTERNATIVES:
            result = stats.ttest_ind(x, y, equal_var=False, alternative=alternative)
            cases.append({"name": name, "x": [fl(v) for v in x], "y": [fl(v) for v in y],
                          "alternative": SWIFT_ALTERNATIVE[alternative], "t": fl(result.statistic),
                          "df": fl(result.df), "p": fl(result.pvalue)})
    return cases


def two_proportion_cases():
    cases = []
    for s1, n1, s2, n2 in [(10, 100, 20, 100), (48, 1000, 30, 1000), (0, 50, 3, 60), (120, 10000, 100, 10000),
                           (1, 1, 0, 1), (500, 1000, 500, 1000), (7, 13, 2, 17), (9950, 10000, 9900, 10000)]:
        pooled = (s1 + s2) / (n1 + n2)
        z = (s1 / n1 - s2 / n2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        chi2 = stats.chi2_contingency([[s1, n1 - s1], [s2, n2 - s2]], correction=False)
        assert math.isclose(z * z, chi2.statistic, rel_tol=1e-9, abs_tol=1e-12), (z, chi2)
        for alternative in ALTERNATIVES:
            if alternative == "two-sided":
                p = 2 * stats.norm.sf(abs(z))
                assert math.isclose(p, chi2.pvalue, rel_tol=1e-9), (p, chi2)
            elif alternative == "greater":
                p = stats.norm.sf(z)
            else:
                p = stats.norm.cdf(z)
            cases.append({"successes1": s1, "trials1": n1, "successes2": s2, "trials2": n2,
                          "alternative": SWIFT_ALTERNATIVE[alternative], "z": fl(z), "p": fl(min(1.0, p))})
    return cases


def contingency_cases():
    cases = []
    for table in [[[10, 20], [30, 40]], [[12, 5], [3, 9]], [[0, 5], [5, 0]], [[1, 0], [0, 1]], [[100, 900], [150, 850]],
                  [[5000, 95000], [5300, 94700]], [[2, 3], [3, 2]], [[1, 2], [2, 3]], [[0, 10], [1, 9]],
                  [[7, 7], [7, 7]]]:
        for correction in [True, False]:
            result = stats.chi2_contingency(table, correction=correction)
            assert result.dof == 1
            cases.append({"table": table, "correction": correction, "chi2": fl(result.statistic),
                          "p": fl(result.pvalue)})
    return cases


def goodness_of_fit_cases(data):
    cases = []
    inputs = [([600, 400], [500, 500]), ([16, 18, 16, 14, 12, 12], None), ([16, 18, 16, 14, 12, 12], [16, 16, 16, 16, 16, 8]),
              ([5, 0, 3], [2.5, 2.5, 3.0]), ([43, 52, 54, 40], None), ([1000, 1100, 980, 1020, 900], None),
              ([0.5, 1.5, 2.0], [1.0, 1.0, 2.0])]
    for index in range(4):
        k = 3 + 2 * index
        observed = [data.integer(0, 200) for _ in range(k)]
        weights = [data.rng.random() + 0.2 for _ in range(k)]
        expected = [w / sum(weights) * sum(observed) for w in weights]
        inputs.append((observed, expected))
    for observed, expected in inputs:
        result = stats.chisquare(observed, expected) if expected is not None else stats.chisquare(observed)
        case = {"observed": [fl(v) for v in observed], "chi2": fl(result.statistic), "p": fl(result.pvalue)}
        if expected is not None:
            case["expected"] = [fl(v) for v in expected]
        cases.append(case)
    return cases


def binomial_test_cases():
    cases = []
    for k, n, p in [(3, 10, 0.5), (7, 10, 0.5), (5, 10, 0.5), (0, 10, 0.5), (10, 10, 0.5), (2, 20, 0.3), (12, 20, 0.3),
                    (6, 20, 0.3), (682, 925, 0.75), (0, 1, 0.2), (1, 1, 0.2), (15, 1000, 0.01), (3, 1000, 0.01),
                    (10, 1000, 0.01), (4990, 10000, 0.5), (5150, 10000, 0.5), (30, 40, 0.6), (1, 300, 0.1),
                    (45, 300, 0.1), (999, 1000, 0.9)]:
        for alternative in ALTERNATIVES:
            result = stats.binomtest(k, n, p, alternative=alternative)
            cases.append({"k": k, "n": n, "probability": p, "alternative": SWIFT_ALTERNATIVE[alternative],
                          "p": fl(result.pvalue)})
    return cases


def write(path, payload):
    text = json.dumps(payload, indent=1, sort_keys=True, allow_nan=False) + "\n"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: fixed_horizon.py OUTDIR")
    outdir = sys.argv[1]
    # scipy warns about the constant Welch sample ("precision loss"); the values are exact.
    warnings.simplefilter("ignore", RuntimeWarning)
    os.makedirs(outdir, exist_ok=True)
    generator = "scipy " + ".".join(scipy.__version__.split(".")[:2]) + " via scripts/reference-vectors/fixed_horizon.py"
    write(os.path.join(outdir, "distributions.json"), {"generator": generator, "cases": distribution_cases()})
    data = Data(20240601)
    write(os.path.join(outdir, "fixed_horizon.json"), {
        "generator": generator,
        "mannWhitneySamples": mann_whitney_sample_cases(data),
        "mannWhitneyHistograms": mann_whitney_histogram_cases(data),
        "hodgesLehmann": hodges_lehmann_cases(data),
        "welch": welch_cases(data),
        "twoProportion": two_proportion_cases(),
        "contingency2x2": contingency_cases(),
        "goodnessOfFit": goodness_of_fit_cases(data),
        "binomialTest": binomial_test_cases(),
    })


if __name__ == "__main__":
    main()
