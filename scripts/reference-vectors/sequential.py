#!/usr/bin/env python3
"""Reference vectors for the anytime-valid tests, multiplicity, SLO, shift and planning code in
Sources/Statistics/{Sequential,Multiplicity,SLO,Shift,Planning}.

Usage: python3 sequential.py OUTDIR   -> writes OUTDIR/sequential.json

Every expected value is computed here independently of the Swift code, with scipy.special
(betaln, gammaln, betaincc, lambertw), scipy.stats (chi2_contingency, chi2, norm) and plain
Python; Holm and Benjamini-Hochberg are written out as statsmodels' `multipletests` does them.
The per-look input data come from Python's `random.Random(seed).random()`, whose sequence is
guaranteed stable across Python versions, and are rounded so that the file is byte-stable.
Output: sorted keys, floats by repr.
"""
import json
import math
import os
import random
import sys

import numpy as np
from scipy.special import betaincc, betaln, gammaln, lambertw
from scipy.stats import chi2, chi2_contingency, norm


# ---------------------------------------------------------------------------------------------
# Deterministic data
# ---------------------------------------------------------------------------------------------
class Data:
    def __init__(self, seed):
        self.random = random.Random(seed)

    def uniform(self):
        return self.random.random()

    def poisson(self, mean):
        """Inversion; mean ≤ ~30 so no underflow."""
        u = self.uniform()
        k, p = 0, math.exp(-mean)
        cumulative = p
        while u > cumulative and k < 10_000:
            k += 1
            p *= mean / k
            cumulative += p
        return k

    def binomial(self, n, p):
        return sum(1 for _ in range(n) if self.uniform() < p)

    def normal(self):
        u1, u2 = self.uniform(), self.uniform()
        return math.sqrt(-2 * math.log(1 - u1)) * math.cos(2 * math.pi * u2)


def r6(x):
    return float(round(x, 6))


# ---------------------------------------------------------------------------------------------
# Tuning: x* solves x - log(1 + x) = L, L = -2 log(alpha) / m; closed form with Lambert W.
# ---------------------------------------------------------------------------------------------
def optimal_ratio(alpha, m=1):
    target = -2 * math.log(alpha) / m
    x = float((-lambertw(-math.exp(-(1 + target)), -1)).real) - 1
    assert abs(x - math.log1p(x) - target) < 1e-12 * target, (alpha, m, x)
    return x


def beta_concentration(planned, alpha, m=1, one_sided=False):
    return planned / optimal_ratio(2 * alpha if one_sided else alpha, m) - 1


# ---------------------------------------------------------------------------------------------
# Normal-mean mixture SPRT
# ---------------------------------------------------------------------------------------------
def normal_log_lr(d, v, tau2):
    return 0.5 * math.log(v / (v + tau2)) + tau2 * d * d / (2 * v * (v + tau2))


def normal_radius(v, tau2, alpha):
    return math.sqrt(v * (v + tau2) / tau2 * (math.log((v + tau2) / v) - 2 * math.log(alpha)))


def normal_sequence(seed, looks, batch, mean_b, mean_c, sd_b, sd_c, tau2, alpha, null, estimated_variance):
    data = Data(seed)
    sums = [0.0, 0.0]
    n = 0
    out = []
    p, lower, upper = 1.0, -math.inf, math.inf
    for look in range(1, looks + 1):
        n += batch
        sums[0] += batch * mean_b + math.sqrt(batch) * sd_b * data.normal()
        sums[1] += batch * mean_c + math.sqrt(batch) * sd_c * data.normal()
        mb, mc = r6(sums[0] / n), r6(sums[1] / n)
        if estimated_variance:  # a variance re-estimated at each look
            vb = r6(sd_b ** 2 * (1 + 0.2 * (data.uniform() - 0.5)))
            vc = r6(sd_c ** 2 * (1 + 0.2 * (data.uniform() - 0.5)))
        else:
            vb, vc = sd_b ** 2, sd_c ** 2
        d = mc - mb
        v = vb / n + vc / n
        log_lr = normal_log_lr(d - null, v, tau2)
        p = min(p, min(1.0, math.exp(-log_lr)))
        radius = normal_radius(v, tau2, alpha)
        lower, upper = max(lower, d - radius), min(upper, d + radius)
        out.append({
            "baseline": {"count": n, "mean": mb, "variance": vb},
            "canary": {"count": n, "mean": mc, "variance": vc},
            "logLikelihoodRatio": log_lr, "pValue": p, "lower": lower, "upper": upper,
        })
    return {"name": f"normal seed {seed}", "tau2": tau2, "alpha": alpha, "nullDifference": null, "looks": out}


def normal_cases():
    cases = [{
        "name": "required: sigma2 1, 1000 per arm, difference 0.1, tau2 0.01",
        "tau2": 0.01, "alpha": 0.05, "nullDifference": 0.0,
        "looks": [{
            "baseline": {"count": 1000, "mean": 0.0, "variance": 1.0},
            "canary": {"count": 1000, "mean": 0.1, "variance": 1.0},
            "logLikelihoodRatio": normal_log_lr(0.1, 0.002, 0.01),
            "pValue": min(1.0, math.exp(-normal_log_lr(0.1, 0.002, 0.01))),
            "lower": 0.1 - normal_radius(0.002, 0.01, 0.05), "upper": 0.1 + normal_radius(0.002, 0.01, 0.05),
        }],
    }]
    tuned = optimal_ratio(0.05) * 2 / 2000
    cases.append(normal_sequence(11, 20, 50, 0.0, 0.0, 1.0, 1.0, 0.01, 0.05, 0.0, False))
    cases.append(normal_sequence(12, 20, 50, 10.0, 10.25, 1.0, 1.5, tuned, 0.05, 0.0, True))
    cases.append(normal_sequence(13, 25, 20, 3.0, 2.7, 2.0, 2.0, 0.05, 0.1, 0.0, False))
    cases.append(normal_sequence(14, 20, 100, 0.5, 0.55, 0.5, 0.5, 0.001, 0.01, 0.05, True))
    cases.append(normal_sequence(15, 30, 10, -1.0, -1.0, 3.0, 3.0, 1.0, 0.2, -0.5, False))
    return cases


# ---------------------------------------------------------------------------------------------
# Bernoulli mixture SPRT: normal mSPRT on the difference of rates, unpooled plug-in variance,
# a look counts once every arm has minimumCount successes and failures; CS clipped to [-1, 1].
# ---------------------------------------------------------------------------------------------
def bernoulli_sequence(seed, looks, batch_b, batch_c, rate_b, rate_c, tau2, alpha, minimum):
    data = Data(seed)
    s_b = n_b = s_c = n_c = 0
    p, lower, upper = 1.0, -math.inf, math.inf
    log_lr = 0.0
    out = []
    for look in range(1, looks + 1):
        inc_sb = data.binomial(batch_b, rate_b)
        inc_sc = data.binomial(batch_c, rate_c)
        s_b, n_b, s_c, n_c = s_b + inc_sb, n_b + batch_b, s_c + inc_sc, n_c + batch_c
        meaningful = min(s_b, n_b - s_b, s_c, n_c - s_c) >= minimum
        if meaningful:
            pb, pc = s_b / n_b, s_c / n_c
            d = pc - pb
            v = pb * (1 - pb) / n_b + pc * (1 - pc) / n_c
            log_lr = normal_log_lr(d, v, tau2)
            p = min(p, min(1.0, math.exp(-log_lr)))
            radius = normal_radius(v, tau2, alpha)
            lower, upper = max(lower, d - radius), min(upper, d + radius)
        out.append({
            "baselineSuccesses": inc_sb, "baselineTrials": batch_b, "canarySuccesses": inc_sc, "canaryTrials": batch_c,
            "meaningful": meaningful, "logLikelihoodRatio": log_lr, "pValue": p,
            "lower": max(-1.0, lower), "upper": min(1.0, upper),
        })
    return {"name": f"bernoulli seed {seed}", "tau2": tau2, "alpha": alpha, "minimumCount": minimum, "looks": out}


def bernoulli_cases():
    x = optimal_ratio(0.05)
    return [
        bernoulli_sequence(21, 25, 200, 200, 0.1, 0.1, x * 2 * 0.09 / 5000, 0.05, 5),
        bernoulli_sequence(22, 25, 200, 200, 0.1, 0.14, x * 2 * 0.09 / 2000, 0.05, 5),
        bernoulli_sequence(23, 30, 500, 100, 0.01, 0.03, 0.0005, 0.05, 5),
        bernoulli_sequence(24, 20, 100, 100, 0.5, 0.45, 0.01, 0.1, 10),
        bernoulli_sequence(25, 20, 50, 60, 0.02, 0.02, 0.001, 0.01, 1),
        bernoulli_sequence(26, 20, 300, 300, 0.95, 0.9, 0.002, 0.05, 5),
    ]


# ---------------------------------------------------------------------------------------------
# Beta-binomial mixture Bayes factor (Poisson two-arm test, SLO SPRT) and Dirichlet form
# ---------------------------------------------------------------------------------------------
def beta_log_bf(s, f, p0, a, b, one_sided):
    if s == 0 and f == 0:
        return 0.0
    value = betaln(s + a, f + b) - betaln(a, b) - s * math.log(p0) - f * math.log1p(-p0)
    if one_sided:
        value += math.log(betaincc(s + a, f + b, p0)) - math.log(betaincc(a, b, p0))
    return float(value)


def log_multivariate_beta(alpha):
    return float(np.sum(gammaln(np.array(alpha, dtype=float))) - gammaln(float(np.sum(alpha))))


def dirichlet_log_bf(counts, weights, prior):
    weights = [w / sum(weights) for w in weights]
    posterior = [a + n for a, n in zip(prior, counts)]
    log_null = sum(n * math.log(w) for n, w in zip(counts, weights) if n > 0)
    return log_multivariate_beta(posterior) - log_multivariate_beta(prior) - log_null


def poisson_sequence(seed, looks, mean_c, mean_b, share, prior_a, prior_b, alternative, alpha):
    data = Data(seed)
    a = b = 0
    best = 0.0
    out = []
    for look in range(looks):
        inc_a, inc_b = data.poisson(mean_c), data.poisson(mean_b)
        a, b = a + inc_a, b + inc_b
        log_bf = beta_log_bf(a, b, share, prior_a, prior_b, alternative == "canaryHigher")
        best = max(best, log_bf)
        out.append({"canaryEvents": inc_a, "baselineEvents": inc_b, "logBayesFactor": log_bf,
                    "maxLogBayesFactor": best, "pValue": min(1.0, math.exp(-best)),
                    "rejected": math.exp(-best) <= alpha})
    return {"name": f"poisson seed {seed}", "canaryShare": share, "priorAlpha": prior_a, "priorBeta": prior_b,
            "alternative": alternative, "alpha": alpha, "looks": out}


def poisson_cases():
    c100 = beta_concentration(100, 0.05, one_sided=True)
    c50 = beta_concentration(50, 0.05)
    return [
        poisson_sequence(31, 40, 1.0, 0.5, 0.5, c100 * 0.5, c100 * 0.5, "canaryHigher", 0.05),
        poisson_sequence(32, 40, 0.5, 0.5, 0.5, c100 * 0.5, c100 * 0.5, "canaryHigher", 0.05),
        poisson_sequence(33, 30, 0.3, 2.7, 0.1, 1.0, 9.0, "twoSided", 0.05),
        poisson_sequence(34, 30, 0.8, 2.0, 0.2, 0.5, 2.0, "canaryHigher", 0.01),
        poisson_sequence(35, 30, 0.2, 1.0, 0.5, c50 * 0.5, c50 * 0.5, "twoSided", 0.05),
        poisson_sequence(36, 25, 3.0, 3.0, 0.5, 2.0, 2.0, "canaryHigher", 0.1),
        poisson_sequence(37, 25, 0.4, 0.6, 0.3, 3.0, 1.5, "canaryHigher", 0.05),
    ]


def beta_single_cases():
    cases = []
    for s, f, p0, a, b in [(0, 0, 0.5, 1, 1), (5, 0, 0.5, 1, 1), (0, 5, 0.5, 1, 1), (30, 6, 0.5, 7, 7),
                           (6, 30, 0.5, 7, 7), (12, 88, 0.1, 1, 9), (1, 999, 0.001, 0.5, 499.5),
                           (40, 960, 0.01, 2, 198), (3, 2, 0.3, 0.2, 0.7), (250, 230, 0.5, 20, 20),
                           (2000, 1800, 0.5, 50, 50), (7, 3, 0.9, 9, 1), (100, 10, 0.05, 0.5, 0.5)]:
        for one in (False, True):
            cases.append({"successes": s, "failures": f, "nullProbability": p0, "priorAlpha": float(a),
                          "priorBeta": float(b), "oneSided": one, "logBayesFactor": beta_log_bf(s, f, p0, a, b, one)})
    return cases


def dirichlet_sequence(seed, looks, batch, true_weights, weights, prior, alpha):
    data = Data(seed)
    totals = [0] * len(weights)
    best = 0.0
    out = []
    cumulative = np.cumsum(true_weights) / sum(true_weights)
    for look in range(looks):
        inc = [0] * len(weights)
        for _ in range(batch):
            u = data.uniform()
            cell = next(i for i, c in enumerate(cumulative) if u < c or i == len(cumulative) - 1)
            inc[cell] += 1
        totals = [t + i for t, i in zip(totals, inc)]
        log_bf = dirichlet_log_bf(totals, weights, prior)
        best = max(best, log_bf)
        out.append({"counts": inc, "logBayesFactor": log_bf, "maxLogBayesFactor": best,
                    "pValue": min(1.0, math.exp(-best)), "rejected": math.exp(-best) <= alpha})
    return {"name": f"dirichlet seed {seed}", "nullWeights": weights, "prior": prior, "alpha": alpha, "looks": out}


def dirichlet_cases():
    def tuned(weights, planned, alpha):
        c = beta_concentration(planned, alpha, len(weights) - 1)
        return [c * w / sum(weights) for w in weights]
    return [
        dirichlet_sequence(41, 20, 100, [1, 1, 1], [1.0, 1.0, 1.0], tuned([1, 1, 1], 2000, 0.05), 0.05),
        dirichlet_sequence(42, 20, 100, [0.5, 0.3, 0.2], [0.45, 0.35, 0.2], tuned([0.45, 0.35, 0.2], 2000, 0.05), 0.05),
        dirichlet_sequence(43, 25, 50, [0.1, 0.2, 0.3, 0.4], [0.1, 0.2, 0.3, 0.4], [1.0, 1.0, 1.0, 1.0], 0.01),
        dirichlet_sequence(44, 20, 200, [0.9, 0.1], [90.0, 10.0], tuned([90, 10], 10000, 0.001), 0.001),
        dirichlet_sequence(45, 20, 200, [0.88, 0.12], [90.0, 10.0], tuned([90, 10], 10000, 0.001), 0.001),
        dirichlet_sequence(46, 15, 300, [0.25, 0.25, 0.25, 0.25], [1.0, 1.0, 1.0, 1.5], [0.5, 0.5, 0.5, 0.5], 0.05),
    ]


def slo_sequence(seed, looks, batch, rate, threshold, prior_a, prior_b, alpha):
    data = Data(seed)
    e = n = 0
    best = 0.0
    out = []
    for look in range(looks):
        inc_e = data.binomial(batch, rate)
        e, n = e + inc_e, n + batch
        log_bf = beta_log_bf(e, n - e, threshold, prior_a, prior_b, True)
        best = max(best, log_bf)
        out.append({"errors": inc_e, "requests": batch, "logBayesFactor": log_bf, "maxLogBayesFactor": best,
                    "pValue": min(1.0, math.exp(-best)), "breached": math.exp(-best) <= alpha})
    return {"name": f"slo seed {seed}", "threshold": threshold, "priorAlpha": prior_a, "priorBeta": prior_b,
            "alpha": alpha, "looks": out}


def slo_cases():
    def tuned(threshold, planned, alpha):
        c = beta_concentration(planned, alpha, one_sided=True)
        return c * threshold, c * (1 - threshold)
    return [
        slo_sequence(51, 30, 100, 0.03, 0.0144, *tuned(0.0144, 1000, 0.05), 0.05),
        slo_sequence(52, 30, 100, 0.01, 0.0144, *tuned(0.0144, 1000, 0.05), 0.05),
        slo_sequence(53, 40, 50, 0.002, 0.001, *tuned(0.001, 5000, 0.05), 0.05),
        slo_sequence(54, 20, 200, 0.08, 0.05, 1.0, 19.0, 0.01),
        slo_sequence(55, 25, 20, 0.2, 0.1, *tuned(0.1, 200, 0.1), 0.1),
    ]


def srm_cases():
    cases = []
    for seed, looks, batch, truth, weights, alpha, planned in [
            (61, 20, 500, [0.9, 0.1], [90.0, 10.0], 0.001, 10000.0),
            (62, 20, 500, [0.88, 0.12], [90.0, 10.0], 0.001, 10000.0),
            (63, 20, 300, [0.5, 0.5], [1.0, 1.0], 0.01, 5000.0),
            (64, 20, 300, [0.34, 0.33, 0.33], [1.0, 1.0, 1.0], 0.001, 10000.0)]:
        c = beta_concentration(planned, alpha, len(weights) - 1)
        prior = [c * w / sum(weights) for w in weights]
        case = dirichlet_sequence(seed, looks, batch, truth, weights, prior, alpha)
        case["plannedRequests"] = planned
        case["name"] = f"srm seed {seed}"
        cases.append(case)
    return cases


def tuning_cases():
    ratios = [{"alpha": a, "dimensions": m, "ratio": optimal_ratio(a, m)}
              for a in (0.001, 0.01, 0.05, 0.1, 0.2) for m in (1, 2, 3, 5)]
    normal = [{"plannedVariance": v, "alpha": a, "tau2": optimal_ratio(a) * v}
              for v, a in [(0.002, 0.05), (1e-6, 0.01), (3.5, 0.1)]]
    normal_arms = [{"baselineVariance": vb, "canaryVariance": vc, "plannedSamplesPerArm": n, "alpha": a,
                    "tau2": optimal_ratio(a) * (vb + vc) / n}
                   for vb, vc, n, a in [(1.0, 1.0, 1000.0, 0.05), (4.0, 9.0, 250.0, 0.01), (0.25, 0.3, 1e5, 0.1)]]
    bernoulli = [{"rate": p, "plannedSamplesPerArm": n, "alpha": a, "tau2": optimal_ratio(a) * 2 * p * (1 - p) / n}
                 for p, n, a in [(0.1, 5000.0, 0.05), (0.001, 1e6, 0.05), (0.5, 300.0, 0.2)]]
    concentration = [{"plannedEvents": n, "alpha": a, "dimensions": m, "oneSided": one,
                      "concentration": beta_concentration(n, a, m, one)}
                     for n, a, m, one in [(100.0, 0.05, 1, True), (100.0, 0.05, 1, False), (10000.0, 0.001, 1, False),
                                          (10000.0, 0.001, 2, False), (2000.0, 0.05, 3, False), (1000.0, 0.01, 1, True),
                                          (50.0, 0.2, 1, True)]]
    return {"ratios": ratios, "normal": normal, "normalArms": normal_arms, "bernoulli": bernoulli,
            "concentration": concentration}


# ---------------------------------------------------------------------------------------------
# Multiplicity: statsmodels.stats.multitest.multipletests, methods "holm" and "fdr_bh"
# ---------------------------------------------------------------------------------------------
def holm(pvals):
    pvals = np.asarray(pvals, dtype=float)
    order = np.argsort(pvals, kind="mergesort")
    sorted_p = pvals[order]
    n = len(pvals)
    corrected = np.maximum.accumulate(sorted_p * np.arange(n, 0, -1)) if n else sorted_p
    corrected = np.minimum(corrected, 1)
    out = np.empty_like(corrected)
    out[order] = corrected
    return [float(x) for x in out]


def benjamini_hochberg(pvals):
    pvals = np.asarray(pvals, dtype=float)
    order = np.argsort(pvals, kind="mergesort")
    sorted_p = pvals[order]
    n = len(pvals)
    ecdf = np.arange(1, n + 1) / float(n)
    corrected = np.minimum.accumulate((sorted_p / ecdf)[::-1])[::-1] if n else sorted_p
    corrected = np.minimum(corrected, 1)
    out = np.empty_like(corrected)
    out[order] = corrected
    return [float(x) for x in out]


def multiplicity_cases():
    data = Data(71)
    lists = [[0.01, 0.04, 0.03, 0.005], [], [0.3], [0.0, 1.0, 0.5], [0.02, 0.02, 0.02, 0.5],
             [0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216],
             [0.9, 0.8, 0.7, 0.6], [1e-12, 3e-9, 0.04, 0.049, 0.051]]
    lists += [[r6(data.uniform() ** 3) for _ in range(n)] for n in (7, 15, 30)]
    return [{"pValues": p, "holm": holm(p), "benjaminiHochberg": benjamini_hochberg(p)} for p in lists]


# ---------------------------------------------------------------------------------------------
# SLO burn rates
# ---------------------------------------------------------------------------------------------
def burn_rate_cases():
    rates = [{"errors": e, "requests": n, "sloTarget": t, "rate": (e / n if n else 0.0) / (1 - t) if n else 0.0}
             for e, n, t in [(1, 1000, 0.999), (144, 10000, 0.999), (0, 500, 0.99), (0, 0, 0.999), (7, 7, 0.9),
                             (3, 20000, 0.9995), (50, 1234, 0.95)]]
    windows = []
    for target, threshold, long_e, long_n, short_e, short_n in [
            (0.999, 14.4, 150, 10000, 20, 1000), (0.999, 14.4, 150, 10000, 10, 1000),
            (0.999, 14.4, 100, 10000, 30, 1000), (0.999, 6.0, 61, 10000, 7, 1000),
            (0.99, 1.0, 101, 10000, 0, 0), (0.999, 14.4, 144, 10000, 15, 1000), (0.9999, 14.4, 2, 1000, 1, 100)]:
        long_rate = long_e / long_n / (1 - target) if long_n else 0.0
        short_rate = short_e / short_n / (1 - target) if short_n else 0.0
        windows.append({"sloTarget": target, "threshold": threshold, "longErrors": long_e, "longRequests": long_n,
                        "shortErrors": short_e, "shortRequests": short_n, "longBurnRate": long_rate,
                        "shortBurnRate": short_rate, "firing": long_rate > threshold and short_rate > threshold})
    return {"rates": rates, "windows": windows}


# ---------------------------------------------------------------------------------------------
# Distribution shift
# ---------------------------------------------------------------------------------------------
def psi(expected, actual, pseudocount):
    e = np.asarray(expected, dtype=float) + pseudocount
    a = np.asarray(actual, dtype=float) + pseudocount
    e, a = e / e.sum(), a / a.sum()
    return float(np.sum((a - e) * np.log(a / e)))


def shift_cases():
    psi_counts = [{"expected": e, "actual": a, "pseudocount": lam, "index": psi(e, a, lam)}
                  for e, a, lam in [([100, 200, 300, 400], [110, 190, 310, 390], 0.5),
                                    ([100, 200, 300, 400], [400, 300, 200, 100], 0.5),
                                    ([50, 0, 25, 25], [40, 5, 30, 25], 0.5),
                                    ([50, 10, 25, 15], [40, 5, 30, 25], 0.0),
                                    ([1000, 1], [990, 11], 1.0), ([7, 0, 0, 3], [0, 4, 4, 2], 0.5),
                                    ([123, 456, 789], [130, 440, 800], 0.01)]]
    psi_props = [{"expected": e, "actual": a, "index": psi(e, a, 0.0)}
                 for e, a in [([0.1, 0.2, 0.3, 0.4], [0.15, 0.15, 0.35, 0.35]), ([0.5, 0.5], [0.9, 0.1]),
                              ([2.0, 3.0, 5.0], [0.3, 0.3, 0.4])]]
    chi = []
    for baseline, canary in [([120, 80], [100, 100]), ([10, 3], [7, 6]), ([50, 50], [50, 50]),
                             ([30, 30], [30, 31]), ([200, 150, 50], [180, 160, 70]),
                             ([500, 300, 150, 50], [450, 320, 170, 60]), ([40, 0, 60], [35, 0, 70]),
                             ([5, 0, 0], [9, 0, 0]), ([1, 2, 3, 4, 5], [5, 4, 3, 2, 1]), ([1000, 1], [990, 11])]:
        columns = [i for i in range(len(baseline)) if baseline[i] + canary[i] > 0]
        table = np.array([[baseline[i] for i in columns], [canary[i] for i in columns]])
        if len(columns) == 1:
            stat, p, dof = 0.0, 1.0, 0
        else:
            result = chi2_contingency(table)
            stat, p, dof = float(result.statistic), float(result.pvalue), int(result.dof)
        chi.append({"baseline": baseline, "canary": canary, "statistic": stat, "degreesOfFreedom": dof,
                    "pValue": p, "yatesCorrected": dof == 1})
    return {"psiCounts": psi_counts, "psiProportions": psi_props, "chiSquare": chi}


# ---------------------------------------------------------------------------------------------
# Planning
# ---------------------------------------------------------------------------------------------
def planning_cases():
    proportions = []
    for p1, delta, alpha, power in [(0.1, 0.02, 0.05, 0.8), (0.1, -0.02, 0.05, 0.8), (0.001, 0.001, 0.05, 0.8),
                                    (0.5, 0.05, 0.01, 0.9), (0.2, 0.1, 0.1, 0.95), (0.05, 0.005, 0.05, 0.5),
                                    (0.9, -0.3, 0.05, 0.8)]:
        p2 = p1 + delta
        za, zb = float(norm.isf(alpha / 2)), float(norm.ppf(power))
        pbar = (p1 + p2) / 2
        pooled = (za * math.sqrt(2 * pbar * (1 - pbar)) + zb * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) ** 2 / delta ** 2
        unpooled = (za + zb) ** 2 * (p1 * (1 - p1) + p2 * (1 - p2)) / delta ** 2
        for form, n in (("pooledUnderNull", pooled), ("unpooled", unpooled)):
            proportions.append({"baselineRate": p1, "minimumDetectableEffect": delta, "alpha": alpha, "power": power,
                                "variance": form, "exact": n, "perArm": int(math.ceil(n * (1 - 1e-9)))})
    means = []
    for delta, sd, sd_c, alpha, power in [(0.1, 1.0, 1.0, 0.05, 0.8), (5.0, 20.0, 25.0, 0.01, 0.9),
                                          (-0.3, 2.0, 2.0, 0.1, 0.8), (1.0, 1.0, 3.0, 0.05, 0.99)]:
        za, zb = float(norm.isf(alpha / 2)), float(norm.ppf(power))
        n = (za + zb) ** 2 * (sd ** 2 + sd_c ** 2) / delta ** 2
        means.append({"minimumDetectableEffect": delta, "standardDeviation": sd, "canaryStandardDeviation": sd_c,
                      "alpha": alpha, "power": power, "exact": n, "perArm": int(math.ceil(n * (1 - 1e-9)))})
    return {"proportions": proportions, "means": means}


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: sequential.py OUTDIR")
    vectors = {
        "normalMixture": normal_cases(),
        "bernoulliMixture": bernoulli_cases(),
        "poissonRatio": poisson_cases(),
        "betaMixture": beta_single_cases(),
        "dirichlet": dirichlet_cases(),
        "sampleRatioMismatch": srm_cases(),
        "errorRatio": slo_cases(),
        "tuning": tuning_cases(),
        "multiplicity": multiplicity_cases(),
        "burnRate": burn_rate_cases(),
        "shift": shift_cases(),
        "planning": planning_cases(),
    }
    text = json.dumps(vectors, sort_keys=True, indent=1, allow_nan=False) + "\n"
    with open(os.path.join(sys.argv[1], "sequential.json"), "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
