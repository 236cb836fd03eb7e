#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Statement-by-statement ports of the R numerics that R's `wilcox.test` leans on, so that
/// ``HodgesLehmann`` reproduces R's results to the last digit rather than to a tolerance.
enum RNumerics {
    /// R's `R_zeroin2` (src/library/stats/src/zeroin.c; Brent 1973, "Algorithms for
    /// Minimization without Derivatives", ch. 4): a root of `f` in [ax, bx] given
    /// fa = f(ax), fb = f(bx) of opposite signs, to within 2ε|b| + tol/2, by bisection,
    /// secant and inverse quadratic interpolation. Like R it returns the last approximation
    /// when `maxIterations` run out (R then warns).
    static func zeroin2<E: Error>(_ ax: Double, _ bx: Double, fa faInitial: Double, fb fbInitial: Double,
                                  tolerance tol: Double, maxIterations: Int = 1000,
                                  _ f: (Double) throws(E) -> Double) throws(E) -> Double {
        var a = ax
        var b = bx
        var fa = faInitial
        var fb = fbInitial
        var c = a
        var fc = fa
        if fa == 0 { return a }
        if fb == 0 { return b }
        var remaining = maxIterations + 1
        while remaining > 0 {
            remaining -= 1
            let previousStep = b - a
            if abs(fc) < abs(fb) {
                // Swap so that b is the best approximation.
                a = b; b = c; c = a
                fa = fb; fb = fc; fc = fa
            }
            let tolAct = 2 * Double.ulpOfOne * abs(b) + tol / 2
            var newStep = (c - b) / 2
            if abs(newStep) <= tolAct || fb == 0 { return b }
            if abs(previousStep) >= tolAct, abs(fa) > abs(fb) {
                // Interpolation may be tried.
                var p: Double
                var q: Double
                let cb = c - b
                if a == c {
                    // Two distinct points: linear interpolation.
                    let t1 = fb / fa
                    p = cb * t1
                    q = 1.0 - t1
                } else {
                    // Inverse quadratic interpolation.
                    q = fa / fc
                    let t1 = fb / fc
                    let t2 = fb / fa
                    p = t2 * (cb * q * (q - t1) - (b - a) * (t1 - 1.0))
                    q = (q - 1.0) * (t1 - 1.0) * (t2 - 1.0)
                }
                if p > 0 { q = -q } else { p = -p }
                if p < (0.75 * cb * q - abs(tolAct * q) / 2), p < abs(previousStep * q / 2) {
                    newStep = p / q
                }
            }
            if abs(newStep) < tolAct { newStep = newStep > 0 ? tolAct : -tolAct }
            a = b
            fa = fb
            b += newStep
            fb = try f(b)
            if (fb > 0 && fc > 0) || (fb < 0 && fc < 0) {
                c = a
                fc = fa
            }
        }
        return b
    }

    /// R's `qnorm(p, lower.tail = lowerTail)` for 0 < p < 1 (src/nmath/qnorm.c, Wichura's AS 241).
    /// Differs from `Normal.quantile(1 − p)` in the last bits for the upper tail, because R
    /// evaluates the tail from p itself rather than from 1 − (1 − p); the central/tail branch is
    /// also chosen from 0.5 − p + 0.5 exactly as R does (this matters at p = 0.075, conf.level 0.85).
    static func qnorm(_ p: Double, lowerTail: Bool) -> Double {
        let pLower = lowerTail ? p : 0.5 - p + 0.5
        let q = pLower - 0.5
        if abs(q) <= 0.425 {
            // Same expression, evaluated in the same order, as Normal.quantile's central branch.
            return Normal.quantile(pLower)
        }
        // The smaller tail probability, as R_DT_CIv / R_DT_Iv give it.
        let tail = q > 0 ? (lowerTail ? 0.5 - p + 0.5 : p) : pLower
        var r = (-log(tail)).squareRoot()
        let value: Double
        if r <= 5 {
            r += -1.6
            value = (((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r + 0.24178072517745061177) * r
                + 1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r
                + 4.6303378461565452959) * r + 1.42343711074968357734)
                / (((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r
                + 0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r
                + 2.05319162663775882187) * r + 1.0)
        } else {
            r += -5
            value = (((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r
                + 0.026532189526576123093) * r + 0.29656057182850489123) * r + 1.7848265399172913358) * r
                + 5.4637849111641143699) * r + 6.6579046435011037772)
                / (((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r
                + 7.868691311456132591e-4) * r + 0.0148753612908506148525) * r + 0.13692988092273580531) * r
                + 0.59983220655588793769) * r + 1.0)
        }
        return q < 0 ? -value : value
    }
}
