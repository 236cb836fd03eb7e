/// Name and label validation with apimachinery's wording.
enum Validation {
    static let dns1123SubdomainMessage =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
    static let dns1123LabelMessage =
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
    static let dns1035LabelMessage =
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
    static let qualifiedNameMessage =
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
    static let labelValueMessage =
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"

    private static func isLowerAlnum(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
    }

    private static func isAlnum(_ c: UInt8) -> Bool {
        isLowerAlnum(c) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
    }

    /// Problems with `value` as a DNS-1123 label (empty when valid).
    static func dns1123Label(_ value: String) -> [String] {
        var errors: [String] = []
        let bytes = Array(value.utf8)
        if bytes.count > 63 { errors.append("must be no more than 63 characters") }
        let ok = !bytes.isEmpty && isLowerAlnum(bytes.first!) && isLowerAlnum(bytes.last!)
            && bytes.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: "-") }
        if !ok { errors.append(dns1123LabelMessage) }
        return errors
    }

    /// Problems with `value` as a DNS-1035 label (a DNS-1123 label starting with a letter).
    static func dns1035Label(_ value: String) -> [String] {
        var errors: [String] = []
        let bytes = Array(value.utf8)
        if bytes.count > 63 { errors.append("must be no more than 63 characters") }
        let startsWithLetter = bytes.first.map { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") } ?? false
        let ok = startsWithLetter && isLowerAlnum(bytes.last!) && bytes.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: "-") }
        if !ok { errors.append(dns1035LabelMessage) }
        return errors
    }

    /// Problems with `value` as a DNS-1123 subdomain (empty when valid).
    static func dns1123Subdomain(_ value: String) -> [String] {
        var errors: [String] = []
        if value.utf8.count > 253 { errors.append("must be no more than 253 characters") }
        let ok = !value.isEmpty && value.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { part in
            let bytes = Array(part.utf8)
            return !bytes.isEmpty && isLowerAlnum(bytes.first!) && isLowerAlnum(bytes.last!)
                && bytes.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: "-") }
        }
        if !ok { errors.append(dns1123SubdomainMessage) }
        return errors
    }

    private static func isQualifiedNamePart(_ value: Substring) -> Bool {
        let bytes = Array(value.utf8)
        guard !bytes.isEmpty, bytes.count <= 63, isAlnum(bytes.first!), isAlnum(bytes.last!) else { return false }
        return bytes.allSatisfy { isAlnum($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
    }

    /// Problems with a label key (`[prefix/]name`).
    static func qualifiedName(_ value: String) -> [String] {
        let parts = value.split(separator: "/", omittingEmptySubsequences: false)
        var name = Substring(value)
        var errors: [String] = []
        if parts.count == 2 {
            if parts[0].isEmpty {
                errors.append("prefix part must be non-empty")
            } else {
                errors += dns1123Subdomain(String(parts[0])).map { "prefix part " + $0 }
            }
            name = parts[1]
        } else if parts.count > 2 {
            return ["a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]
        }
        if name.isEmpty {
            errors.append("name part must be non-empty")
        } else if name.utf8.count > 63 {
            errors.append("name part must be no more than 63 characters")
        } else if !isQualifiedNamePart(name) {
            errors.append(qualifiedNameMessage)
        }
        return errors
    }

    /// Problems with a label value (may be empty).
    static func labelValue(_ value: String) -> [String] {
        if value.isEmpty { return [] }
        if value.utf8.count > 63 { return ["must be no more than 63 characters"] }
        return isQualifiedNamePart(Substring(value)) ? [] : [labelValueMessage]
    }
}
