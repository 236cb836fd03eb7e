import Foundation
import Statistics

extension RandomNumberGenerator {
    /// Uniform in [0, 1).
    mutating func unitInterval() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// True with probability `p`.
    mutating func bernoulli(_ p: Double) -> Bool {
        if p <= 0 { return false }
        if p >= 1 { return true }
        return unitInterval() < p
    }

    /// Standard normal (Box–Muller).
    mutating func standardNormal() -> Double {
        var u1 = unitInterval()
        while u1 <= 0 { u1 = unitInterval() }
        let u2 = unitInterval()
        return (-2 * Foundation.log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// A Poisson(`mean`) count: Knuth's product of uniforms for small means, Hörmann's
    /// transformed rejection (PTRS, 1993) from 10 up, so large rates cost O(1) draws.
    mutating func poisson(_ mean: Double) -> Int {
        guard mean > 0, mean.isFinite else { return 0 }
        if mean < 10 {
            let limit = Foundation.exp(-mean)
            var count = 0
            var product = unitInterval()
            while product > limit {
                count += 1
                product *= unitInterval()
            }
            return count
        }
        let root = mean.squareRoot(), logMean = Foundation.log(mean)
        let b = 0.931 + 2.53 * root
        let a = -0.059 + 0.02483 * b
        let inverseAlpha = 1.1239 + 1.1328 / (b - 3.4)
        let vr = 0.9277 - 3.6224 / (b - 2)
        while true {
            let u = unitInterval() - 0.5
            let v = unitInterval()
            let us = 0.5 - abs(u)
            let k = ((2 * a / us + b) * u + mean + 0.43).rounded(.down)
            if us >= 0.07, v <= vr { return Int(k) }
            if k < 0 || (us < 0.013 && v > us) { continue }
            if Foundation.log(v) + Foundation.log(inverseAlpha) - Foundation.log(a / (us * us) + b)
                <= -mean + k * logMean - Foundation.lgamma(k + 1) {
                return Int(k)
            }
        }
    }

    /// Index chosen with probability proportional to `weights`; nil when all weights are zero.
    mutating func weightedIndex(_ weights: [Double]) -> Int? {
        let total = weights.reduce(0) { $0 + max($1, 0) }
        guard total > 0 else { return nil }
        var target = unitInterval() * total
        var last: Int?
        for (index, weight) in weights.enumerated() where weight > 0 {
            if target < weight { return index }
            target -= weight
            last = index
        }
        return last
    }
}

/// Standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9).
func normalQuantile(_ p: Double) -> Double {
    precondition(p > 0 && p < 1)
    let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
             1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
    let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
             6.680131188771972e+01, -1.328068155288572e+01]
    let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
             -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
    let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
             3.754408661907416e+00]
    let low = 0.02425
    if p < low {
        let q = (-2 * Foundation.log(p)).squareRoot()
        return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
            / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    }
    if p > 1 - low {
        let q = (-2 * Foundation.log(1 - p)).squareRoot()
        return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
            / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    }
    let q = p - 0.5
    let r = q * q
    return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
        / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
}

/// How long a request takes, in seconds.
public enum LatencyDistribution: Sendable, Equatable {
    /// ln(latency) ~ Normal(mu, sigma).
    case logNormal(mu: Double, sigma: Double)
    /// Piecewise uniform: each bucket `(upTo, weight)` is uniform between the previous bound
    /// (0 for the first) and `upTo`.
    case buckets([(upTo: Double, weight: Double)])
    case constant(Double)

    /// The log-normal through two quantiles, e.g. p50 and p99.
    public static func fitted(_ q1: (p: Double, value: Double), _ q2: (p: Double, value: Double)) -> LatencyDistribution {
        let z1 = normalQuantile(q1.p), z2 = normalQuantile(q2.p)
        let sigma = (Foundation.log(q2.value) - Foundation.log(q1.value)) / (z2 - z1)
        let mu = Foundation.log(q1.value) - sigma * z1
        return .logNormal(mu: mu, sigma: sigma)
    }

    public func sample(using rng: inout some RandomNumberGenerator) -> Double {
        switch self {
        case .constant(let value):
            return value
        case .logNormal(let mu, let sigma):
            return Foundation.exp(mu + sigma * rng.standardNormal())
        case .buckets(let buckets):
            guard let index = rng.weightedIndex(buckets.map(\.weight)) else { return 0 }
            let lower = index == 0 ? 0 : buckets[index - 1].upTo
            return lower + (buckets[index].upTo - lower) * rng.unitInterval()
        }
    }

    /// The exact quantile (log-normal, constant) or the bucket interpolation.
    public func quantile(_ p: Double) -> Double {
        switch self {
        case .constant(let value):
            return value
        case .logNormal(let mu, let sigma):
            return Foundation.exp(mu + sigma * normalQuantile(p))
        case .buckets(let buckets):
            let total = buckets.reduce(0) { $0 + $1.weight }
            var cumulative = 0.0
            var lower = 0.0
            for bucket in buckets {
                let next = cumulative + bucket.weight / total
                if p <= next, bucket.weight > 0 {
                    return lower + (bucket.upTo - lower) * (p - cumulative) / (bucket.weight / total)
                }
                cumulative = next
                lower = bucket.upTo
            }
            return lower
        }
    }

    public static func == (lhs: LatencyDistribution, rhs: LatencyDistribution) -> Bool {
        switch (lhs, rhs) {
        case let (.logNormal(m1, s1), .logNormal(m2, s2)): m1 == m2 && s1 == s2
        case let (.constant(a), .constant(b)): a == b
        case let (.buckets(a), .buckets(b)):
            a.count == b.count && zip(a, b).allSatisfy { $0.upTo == $1.upTo && $0.weight == $1.weight }
        default: false
        }
    }
}
