#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// xoshiro256** (Blackman & Vigna 2018) seeded through SplitMix64: a fast, reproducible generator
/// for the seeded simulation tests (Statistics and the judge), with the samplers they need.
public struct SimulationRandom {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(); s1 = splitMix(); s2 = splitMix(); s3 = splitMix()
    }

    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Standard normal by the Box-Muller transform.
    public mutating func normal() -> Double {
        let u1 = 1 - uniform(), u2 = uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// Poisson(mean) by inversion (mean ≤ ~50).
    public mutating func poisson(_ mean: Double) -> Int {
        let u = uniform()
        var k = 0
        var p = exp(-mean)
        var cumulative = p
        while u > cumulative && k < 10_000 {
            k += 1
            p *= mean / Double(k)
            cumulative += p
        }
        return k
    }

    /// Binomial(n, p) by inversion with the pmf recurrence; expected cost O(n p).
    public mutating func binomial(_ n: Int, _ p: Double) -> Int {
        if p <= 0 || n == 0 { return 0 }
        if p > 0.5 { return n - binomial(n, 1 - p) }
        let u = uniform()
        let ratio = p / (1 - p)
        var k = 0
        var pmf = pow(1 - p, Double(n))
        var cumulative = pmf
        while u > cumulative && k < n {
            pmf *= ratio * Double(n - k) / Double(k + 1)
            k += 1
            cumulative += pmf
        }
        return k
    }

    /// Multinomial(n, weights) by successive conditional binomials; `weights` sum to 1.
    public mutating func multinomial(_ n: Int, _ weights: [Double]) -> [Int] {
        var counts = [Int](repeating: 0, count: weights.count)
        var remaining = n
        var mass = 1.0
        for i in 0..<(weights.count - 1) where remaining > 0 {
            let draw = binomial(remaining, min(1, weights[i] / mass))
            counts[i] = draw
            remaining -= draw
            mass -= weights[i]
        }
        counts[weights.count - 1] += remaining
        return counts
    }

    /// Binomial(n, p): inversion below n·p = 30, else the normal approximation rounded and
    /// clamped — accurate enough for simulated traffic, and O(1).
    public mutating func binomialFast(_ n: Int, _ p: Double) -> Int {
        let mean = Double(n) * p
        if mean < 30 || Double(n) * (1 - p) < 30 { return binomial(n, p) }
        let draw = (mean + (mean * (1 - p)).squareRoot() * normal()).rounded()
        return min(n, max(0, Int(draw)))
    }

    /// Multinomial(n, weights) by successive conditional binomials (`binomialFast`); `weights`
    /// sum to 1.
    public mutating func multinomialFast(_ n: Int, _ weights: [Double]) -> [Int] {
        var counts = [Int](repeating: 0, count: weights.count)
        var remaining = n
        var mass = 1.0
        for i in 0..<(weights.count - 1) where remaining > 0 {
            let draw = binomialFast(remaining, min(1, weights[i] / mass))
            counts[i] = draw
            remaining -= draw
            mass -= weights[i]
        }
        counts[weights.count - 1] += remaining
        return counts
    }
}
