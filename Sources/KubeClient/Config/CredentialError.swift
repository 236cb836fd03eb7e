/// Credentials could not be obtained at request time: an exec plugin failed or a token file
/// could not be read.
///
/// Messages name the command (or file) and never contain a token, a key, or the plugin's
/// standard output (which may hold one); they may contain the tail of its standard error.
public struct CredentialError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong.
    public enum Reason: Sendable, Equatable {
        /// The plugin's command is not on `PATH` or not executable.
        case commandNotFound
        /// The plugin could not be started.
        case launchFailed
        /// The plugin exited with this non-zero status.
        case exitStatus(Int32)
        /// The plugin was killed by this signal.
        case signal(Int32)
        /// The plugin ran past its time limit and was killed.
        case timedOut
        /// The plugin's output is not a usable ExecCredential.
        case invalidOutput
        /// The bearer token file could not be read (and no earlier token was cached).
        case tokenFile
    }

    /// What went wrong.
    public var reason: Reason
    /// The exec command, or the token file path, this concerns.
    public var subject: String
    /// The explanation, without secrets.
    public var detail: String

    /// Creates an error; `detail` must not contain secret values.
    public init(_ reason: Reason, subject: String, _ detail: String) {
        self.reason = reason
        self.subject = subject
        self.detail = detail
    }

    /// `exec plugin "aws": exited with status 1: ...` or `token file /x: ...`.
    public var description: String {
        switch reason {
        case .tokenFile: "token file \(subject): \(detail)"
        default: "exec plugin \(quotedName(subject)): \(detail)"
        }
    }
}
