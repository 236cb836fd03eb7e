#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Gamma and beta functions and their regularized incomplete forms, computed in log space
/// so that tail probabilities stay accurate down to the smallest normal `Double`.
public enum SpecialFunctions {
    /// ln Γ(x) for x > 0 (glibc's `lgamma_r`, thread-safe).
    public static func logGamma(_ x: Double) -> Double {
        var sign: Int32 = 0
        return lgamma_r(x, &sign)
    }

    /// ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b).
    ///
    /// When an argument is large the three terms are huge and nearly cancel, so, as R's
    /// `lbeta` does, Stirling's formula is written out and only the small corrections
    /// ``stirlingCorrection(_:)`` are subtracted.
    public static func logBeta(_ a: Double, _ b: Double) -> Double {
        let p = min(a, b)
        let q = max(a, b)
        let halfLogTwoPi = 0.918938533204672741780329736406
        if p >= 10 {
            let correction = stirlingCorrection(p) + stirlingCorrection(q) - stirlingCorrection(p + q)
            return -0.5 * log(q) + halfLogTwoPi + correction + (p - 0.5) * log(p / (p + q)) + q * log1p(-p / (p + q))
        }
        if q >= 10 {
            let correction = stirlingCorrection(q) - stirlingCorrection(p + q)
            return logGamma(p) + correction + p - p * log(p + q) + (q - 0.5) * log1p(-p / (p + q))
        }
        return logGamma(a) + logGamma(b) - logGamma(a + b)
    }

    /// ln Γ(x) − [(x − ½) ln x − x + ½ ln 2π] for x ≥ 10, by the asymptotic series
    /// 1/(12x) − 1/(360x³) + 1/(1260x⁵) − … (error below 1e-17 there).
    static func stirlingCorrection(_ x: Double) -> Double {
        precondition(x >= 10, "stirlingCorrection needs x >= 10")
        let inverse = 1 / x
        let inverseSquare = inverse * inverse
        let coefficients: [Double] = [1.0 / 12, -1.0 / 360, 1.0 / 1260, -1.0 / 1680, 1.0 / 1188, -691.0 / 360360, 1.0 / 156]
        var sum = 0.0
        for coefficient in coefficients.reversed() { sum = sum * inverseSquare + coefficient }
        return sum * inverse
    }

    /// Regularized lower incomplete gamma P(a, x) = γ(a, x) / Γ(a).
    ///
    /// Series for x < a + 1, Lentz's continued fraction for Q otherwise (Numerical
    /// Recipes §6.2).
    public static func regularizedGammaP(_ a: Double, _ x: Double) -> Double {
        precondition(a > 0, "regularizedGammaP: a must be > 0")
        if x <= 0 { return 0 }
        if x.isInfinite { return 1 }
        return x < a + 1 ? exp(logGammaSeries(a, x)) : -expm1(logGammaContinuedFraction(a, x))
    }

    /// Regularized upper incomplete gamma Q(a, x) = 1 − P(a, x), accurate in the upper tail.
    public static func regularizedGammaQ(_ a: Double, _ x: Double) -> Double {
        precondition(a > 0, "regularizedGammaQ: a must be > 0")
        if x <= 0 { return 1 }
        if x.isInfinite { return 0 }
        return x < a + 1 ? -expm1(logGammaSeries(a, x)) : exp(logGammaContinuedFraction(a, x))
    }

    /// ln P(a, x) by the series Σ xⁿ / (a (a+1) … (a+n)).
    private static func logGammaSeries(_ a: Double, _ x: Double) -> Double {
        var denominator = a
        var term = 1 / a
        var sum = term
        for _ in 0..<10_000 {
            denominator += 1
            term *= x / denominator
            sum += term
            if abs(term) < abs(sum) * 1e-17 { break }
        }
        return log(sum) - x + a * log(x) - logGamma(a)
    }

    /// ln Q(a, x) by the continued fraction (modified Lentz).
    private static func logGammaContinuedFraction(_ a: Double, _ x: Double) -> Double {
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        for i in 1..<10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return log(h) - x + a * log(x) - logGamma(a)
    }

    /// Regularized incomplete beta I_x(a, b).
    ///
    /// Continued fraction (Numerical Recipes §6.4), evaluated on the side of
    /// (a + 1) / (a + b + 2) where it converges fast; the other side by symmetry
    /// I_x(a, b) = 1 − I_{1−x}(b, a).
    public static func regularizedBeta(_ x: Double, _ a: Double, _ b: Double) -> Double {
        precondition(a > 0 && b > 0, "regularizedBeta: a and b must be > 0")
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        if x < (a + 1) / (a + b + 2) {
            return exp(logBetaFront(x, a, b)) * betaContinuedFraction(x, a, b) / a
        }
        return -expm1(logBetaFront(x, a, b) + log(betaContinuedFraction(1 - x, b, a) / b))
    }

    /// log I_x(a, b), where `complement` = 1 − x is passed exactly; finite where I_x
    /// itself would underflow to 0.
    ///
    /// The same continued fraction as ``regularizedBeta(_:_:_:)``, in log space, on the side
    /// of (a + 1) / (a + b + 2) where it converges fast; otherwise log(1 − I_{1−x}(b, a)).
    public static func logRegularizedBeta(x: Double, complement y: Double, _ a: Double, _ b: Double) -> Double {
        if x <= 0 { return -.infinity }
        if y <= 0 { return 0 }
        let front = a * log(x) + b * log(y) - logBeta(a, b)
        if x < (a + 1) / (a + b + 2) {
            return front + log(betaContinuedFraction(x, a, b) / a)
        }
        return log(-expm1(front + log(betaContinuedFraction(y, b, a) / b)))
    }

    /// 1 − I_x(a, b) = I_{1−x}(b, a), without cancellation when I_x is near 1.
    public static func regularizedBetaComplement(_ x: Double, _ a: Double, _ b: Double) -> Double {
        regularizedBeta(1 - x, b, a)
    }

    /// ln(x^a (1−x)^b / B(a, b)).
    private static func logBetaFront(_ x: Double, _ a: Double, _ b: Double) -> Double {
        a * log(x) + b * log1p(-x) - logBeta(a, b)
    }

    private static func betaContinuedFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
        let tiny = 1e-300
        let qab = a + b
        let qap = a + 1
        let qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1..<100_000 {
            let m = Double(m)
            let m2 = 2 * m
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return h
    }
}
