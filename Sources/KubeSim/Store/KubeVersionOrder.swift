/// kube-apiserver's ordering of API versions (`version.CompareKubeAwareVersionStrings`):
/// GA before beta before alpha, higher numbers first within each, then anything else
/// alphabetically. The first of a group's versions is its preferred version.
enum KubeVersionOrder {
    private enum Stability: Int { case ga = 3, beta = 2, alpha = 1 }

    private struct Parsed {
        var major: Int
        var stability: Stability
        var minor: Int
    }

    /// `v1` -> (1, GA, 0); `v2beta3` -> (2, beta, 3); `foo` -> nil.
    private static func parse(_ version: String) -> Parsed? {
        guard version.hasPrefix("v") else { return nil }
        let rest = version.dropFirst()
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard let major = Int(digits), major > 0 else { return nil }
        let tail = rest.dropFirst(digits.count)
        if tail.isEmpty { return Parsed(major: major, stability: .ga, minor: 0) }
        for (word, stability) in [("beta", Stability.beta), ("alpha", .alpha)] where tail.hasPrefix(word) {
            let number = tail.dropFirst(word.count)
            guard let minor = Int(number), minor > 0, number.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            return Parsed(major: major, stability: stability, minor: minor)
        }
        return nil
    }

    /// Whether `lhs` sorts before `rhs` (is preferred over it).
    static func isHigherPriority(_ lhs: String, _ rhs: String) -> Bool {
        switch (parse(lhs), parse(rhs)) {
        case let (a?, b?):
            if a.stability != b.stability { return a.stability.rawValue > b.stability.rawValue }
            if a.major != b.major { return a.major > b.major }
            return a.minor > b.minor
        case (_?, nil): return true
        case (nil, _?): return false
        case (nil, nil): return lhs < rhs
        }
    }
}
