import Foundation
import Testing
import VendorMatchClient
import VendorMatchProto
import VendorMatchWire

/// Runs the `vendormatch` binary to completion: its exit status and standard output.
func runVendormatch(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = ServerProcess.executable
    process.arguments = arguments + ["--models", repositoryModels.path]
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
}

@Suite("API keys with a serve process")
struct ServeProcessKeyTests {
    @Test(.enabled(if: ServerProcess.executable != nil, "needs the vendormatch executable (swift build --build-tests)"))
    func keysSurviveARestartAndARevocationCountsAtOnce() async throws {
        let directory = try makeTemporaryDirectory("vm-keys")
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("catalogue.sqlite").path

        let created = try runVendormatch(["keys", "create", "--db", database, "--tenant", "acme", "--scopes", "read"])
        #expect(created.status == 0, "\(created.stderr)")
        let token = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.hasPrefix("vmk_"))
        let listed = try runVendormatch(["keys", "list", "--db", database])
        #expect(listed.stdout.contains("acme") && listed.stdout.contains("active"), "\(listed.stdout)")
        #expect(!listed.stdout.contains(String(token.suffix(64))), "keys list shows a secret")
        let keyID = String(token.dropFirst(4).prefix(12))

        for round in 0..<2 {
            let server = try await ServerProcess(database: database, directory: directory)
            let anonymous = try await VendorMatchClient.connect(host: "127.0.0.1", port: server.port)
            let holder = try await VendorMatchClient.connect(
                host: "127.0.0.1", port: server.port, configuration: .init(authToken: token))
            #expect(await status { _ = try await anonymous.stats() } == .unauthenticated, "round \(round)")
            #expect(await status { _ = try await anonymous.health() } == .ok)
            #expect(await status { _ = try await holder.stats() } == .ok, "round \(round): \(server.output)")
            if round == 1 {
                // Revoked by another process while this one serves: refused from the next request on.
                let revoked = try runVendormatch(["keys", "revoke", "--db", database, keyID])
                #expect(revoked.status == 0, "\(revoked.stderr)")
                #expect(await status { _ = try await holder.stats() } == .unauthenticated)
                #expect(await status { _ = try await holder.shortlist(shortlistRequest(id: "r")) } == .unauthenticated)
            }
            await anonymous.close()
            await holder.close()
            #expect(server.terminate().status == 0)
        }
        let after = try runVendormatch(["keys", "list", "--db", database, "--json"])
        #expect(after.stdout.contains("\"revoked\":\"20"), "\(after.stdout)")
        #expect(try runVendormatch(["keys", "revoke", "--db", database, "ffffffffffff"]).status == 1)
    }

    @Test(.enabled(if: ServerProcess.executable != nil, "needs the vendormatch executable (swift build --build-tests)"))
    func serveRefusesUnsafeSettingsWithExitTwo() throws {
        let directory = try makeTemporaryDirectory("vm-unsafe")
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("catalogue.sqlite").path
        let open = try runVendormatch(["serve", "--db", database, "--host", "0.0.0.0", "--port", "0"])
        #expect(open.status == 2)
        #expect(open.stderr.contains("not a loopback address") && open.stderr.contains("--allow-unauthenticated"), "\(open.stderr)")
        let empty = try runVendormatch(["serve", "--db", database, "--port", "0", "--auth-token", ""])
        #expect(empty.status == 2)
        #expect(empty.stderr.contains("--auth-token must not be empty"), "\(empty.stderr)")
        let noTenant = try runVendormatch(["keys", "create", "--db", database, "--scopes", "read"])
        #expect(noTenant.status == 2)
        #expect(noTenant.stderr.contains("--tenant"))
        let badScope = try runVendormatch(["keys", "create", "--db", database, "--tenant", "acme", "--scopes", "read,root"])
        #expect(badScope.status == 2)
        #expect(badScope.stderr.contains("unknown scope \"root\""))
    }
}
