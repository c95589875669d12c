import Foundation
import NIOCore
import PostgresNIO
import VendorMatchCore

/// Turns postgres-nio's errors into `VMError`s a user can read.
///
/// `PSQLError`'s own description hides the server's message on purpose; here the message, the
/// SQLSTATE and the detail are shown. A constraint violation (class 23) is the caller's input
/// (`invalidInput`); a lost connection is `unavailable`; anything else is `storage`.
enum PostgresErrors {
    static func describe(_ error: any Error) -> String {
        guard let psql = error as? PSQLError else { return "\(error)" }
        if let info = psql.serverInfo {
            var text = info[.message] ?? "server error"
            if let state = info[.sqlState] { text += " (SQLSTATE \(state))" }
            if let detail = info[.detail] { text += ": \(detail)" }
            return text
        }
        if let io = psql.underlying as? IOError {
            // NIO's own text names the system call ("read(descriptor:pointer:size:): …"); the cause is what counts.
            return "connection lost: \(String(cString: strerror(io.errnoCode))) (errno \(io.errnoCode))"
        }
        if let underlying = psql.underlying { return "\(psql.code): \(underlying)" }
        return "\(psql.code)"
    }

    static func vmError(_ what: String, _ error: any Error) -> VMError {
        if let vm = error as? VMError { return vm }
        let text = "\(what): \(describe(error))"
        if error is BlockingPostgres.ConnectionLost || error is PostgresConnector.CannotConnect { return VMError(.unavailable, text) }
        guard let psql = error as? PSQLError else { return VMError(.storage, text) }
        if let state = psql.serverInfo?[.sqlState], state.hasPrefix("23") { return VMError(.invalidInput, text) }
        // The server shutting down, starting up or refusing connections: retry later (or elsewhere).
        if let state = psql.serverInfo?[.sqlState], state.hasPrefix("57") || state.hasPrefix("08") { return VMError(.unavailable, text) }
        switch psql.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
            return VMError(.unavailable, text)
        default:
            return VMError(.storage, text)
        }
    }
}
