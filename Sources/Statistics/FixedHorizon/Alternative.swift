/// The alternative hypothesis of a test, named as in scipy (`alternative='two-sided' | 'less' |
/// 'greater'`): `.less` means the first sample (or proportion) is stochastically smaller than the
/// second, `.greater` that it is larger, `.twoSided` that they differ either way.
public enum Alternative: String, Sendable, Hashable, CaseIterable, Codable {
    /// The two differ, in either direction (scipy `'two-sided'`).
    case twoSided
    /// The first is smaller (scipy `'less'`).
    case less
    /// The first is larger (scipy `'greater'`).
    case greater
}
