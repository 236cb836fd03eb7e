import KubeClient

/// Query options shared by the verbs: `dryRun` and the read versions.
extension QueryParameters {
    /// `dryRun=All` (the only value kube knows); anything else is kube's 422 for the verb's
    /// options kind (`CreateOptions`, `UpdateOptions`, `PatchOptions`, `DeleteOptions`).
    func dryRun(_ optionsKind: String) throws(APIError) -> Bool {
        guard let value = self["dryRun"] else { return false }
        try Self.checkDryRun([value], optionsKind)
        return true
    }

    static func checkDryRun(_ values: [String], _ optionsKind: String) throws(APIError) {
        guard values.contains(where: { $0 != "All" }) else { return }
        let listed = "[]string{" + values.map(goQuoted).joined(separator: ", ") + "}"
        throw APIError.invalidOptions(optionsKind, [
            FieldError(.notSupported, field: "dryRun", value: listed, detail: "supported values: \"All\""),
        ])
    }

    /// A LIST's `resourceVersion` / `resourceVersionMatch`.
    func listReadVersion() throws(APIError) -> ReadVersion {
        try ReadVersion.parse(resourceVersion: self["resourceVersion"], match: self["resourceVersionMatch"],
                              hasContinue: !(self["continue"] ?? "").isEmpty)
    }

    /// A GET's `resourceVersion` (`0`: any; a version: not older than it).
    func getReadVersion() throws(APIError) -> ReadVersion {
        try ReadVersion.parse(resourceVersion: self["resourceVersion"], match: nil)
    }
}
