#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The standard normal distribution.
public enum Normal {
    /// Φ(x) = ½ erfc(−x / √2); accurate in the lower tail down to ~1e-308.
    public static func cdf(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }

    /// 1 − Φ(x) = ½ erfc(x / √2); accurate in the upper tail down to ~1e-308.
    public static func sf(_ x: Double) -> Double { 0.5 * erfc(x / 2.0.squareRoot()) }

    /// Two-sided p-value 2 (1 − Φ(|z|)).
    public static func twoSidedP(_ z: Double) -> Double { min(1, 2 * sf(abs(z))) }

    /// φ(x), the density.
    public static func pdf(_ x: Double) -> Double { exp(-0.5 * x * x) / (2 * Double.pi).squareRoot() }

    /// Φ⁻¹(p), by Wichura's algorithm AS 241 (PPND16), relative error about 1e-16.
    public static func quantile(_ p: Double) -> Double {
        precondition(p >= 0 && p <= 1, "Normal.quantile: p must be in [0, 1]")
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        let q = p - 0.5
        if abs(q) <= 0.425 {
            let r = 0.180625 - q * q
            let numerator = (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r
                + 45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r
                + 133.14166789178437745) * r + 3.387132872796366608)
            let denominator = (((((((5226.495278852545925 * r + 28729.085735721942674) * r + 39307.89580009271061) * r
                + 21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r
                + 42.313330701600911252) * r + 1.0)
            return q * numerator / denominator
        }
        var r = q < 0 ? p : 1 - p
        r = (-log(r)).squareRoot()
        var value: Double
        if r <= 5 {
            r -= 1.6
            value = (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r
                + 1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r
                + 4.6303378461565452959) * r + 1.42343711074968357734)
                / (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r
                + 0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r
                + 2.05319162663775882187) * r + 1.0)
        } else {
            r -= 5
            value = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r
                + 0.026532189526576123093) * r + 0.29656057182850489123) * r + 1.7848265399172913358) * r
                + 5.4637849111641143699) * r + 6.6579046435011037772)
                / (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r
                + 7.868691311456132591e-4) * r + 0.0148753612908506148525) * r + 0.13692988092273580531) * r
                + 0.59983220655588793769) * r + 1.0)
        }
        return q < 0 ? -value : value
    }
}

/// Student's t distribution with ν degrees of freedom (ν may be fractional, as in Welch's test).
public enum StudentT {
    /// P(T > t) = ½ I_{ν/(ν+t²)}(ν/2, ½) for t ≥ 0.
    public static func sf(_ t: Double, df: Double) -> Double {
        precondition(df > 0, "StudentT: df must be > 0")
        if t.isNaN { return .nan }
        let tail = upperTailOfAbs(t, df: df)
        return t >= 0 ? tail : 1 - tail
    }

    /// P(T ≤ t).
    public static func cdf(_ t: Double, df: Double) -> Double {
        precondition(df > 0, "StudentT: df must be > 0")
        if t.isNaN { return .nan }
        let tail = upperTailOfAbs(t, df: df)
        return t >= 0 ? 1 - tail : tail
    }

    /// Two-sided p-value P(|T| > |t|).
    public static func twoSidedP(_ t: Double, df: Double) -> Double { min(1, 2 * upperTailOfAbs(t, df: df)) }

    /// P(T > |t|), computed so that neither tail loses precision.
    ///
    /// P(|T| ≤ |t|) = I_{t²/(ν+t²)}(½, ν/2); when that is below ½ the tail is ½(1 − it),
    /// otherwise the tail is ½ I_{ν/(ν+t²)}(ν/2, ½), evaluated directly. Both arguments are
    /// formed without a `1 − x`, which would lose everything for tiny t and huge ν.
    private static func upperTailOfAbs(_ t: Double, df: Double) -> Double {
        if t.isInfinite { return 0 }
        let t2 = t * t
        let central = SpecialFunctions.regularizedBeta(t2 / (df + t2), 0.5, df / 2)
        if central < 0.5 { return 0.5 * (1 - central) }
        return 0.5 * SpecialFunctions.regularizedBeta(df / (df + t2), df / 2, 0.5)
    }
}

/// The chi-square distribution with k degrees of freedom.
public enum ChiSquared {
    /// P(X > x) = Q(k/2, x/2).
    public static func sf(_ x: Double, df: Double) -> Double {
        precondition(df > 0, "ChiSquared: df must be > 0")
        return SpecialFunctions.regularizedGammaQ(df / 2, x / 2)
    }

    /// P(X ≤ x) = P(k/2, x/2).
    public static func cdf(_ x: Double, df: Double) -> Double {
        precondition(df > 0, "ChiSquared: df must be > 0")
        return SpecialFunctions.regularizedGammaP(df / 2, x / 2)
    }
}

/// The binomial distribution B(n, p).
public enum Binomial {
    /// ln P(X = k).
    public static func logPMF(_ k: Int, n: Int, p: Double) -> Double {
        guard k >= 0, k <= n else { return -.infinity }
        if p == 0 { return k == 0 ? 0 : -.infinity }
        if p == 1 { return k == n ? 0 : -.infinity }
        let choose = SpecialFunctions.logGamma(Double(n + 1)) - SpecialFunctions.logGamma(Double(k + 1))
            - SpecialFunctions.logGamma(Double(n - k + 1))
        return choose + Double(k) * log(p) + Double(n - k) * log1p(-p)
    }

    /// P(X = k).
    public static func pmf(_ k: Int, n: Int, p: Double) -> Double { exp(logPMF(k, n: n, p: p)) }

    /// P(X ≤ k) = I_{1−p}(n − k, k + 1).
    public static func cdf(_ k: Int, n: Int, p: Double) -> Double {
        if k < 0 { return 0 }
        if k >= n { return 1 }
        return SpecialFunctions.regularizedBeta(1 - p, Double(n - k), Double(k + 1))
    }

    /// P(X ≥ k) = I_p(k, n − k + 1).
    public static func sf(atLeast k: Int, n: Int, p: Double) -> Double {
        if k <= 0 { return 1 }
        if k > n { return 0 }
        return SpecialFunctions.regularizedBeta(p, Double(k), Double(n - k + 1))
    }
}
