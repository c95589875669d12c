import Foundation
import Testing

/// `serve --tls-cert/--tls-key` as a user meets them: both or neither, and a bad file exits 2 naming it
/// (before the catalogue is opened or anything listens).
@Suite struct ServeTLSFlagTests {
    let dir = TempDir()
    let fixtures = repositoryRoot.appendingPathComponent("Tests/Fixtures/tls").path

    @Test func oneFlagAloneIsAnInputErrorNamingTheOther() throws {
        let certOnly = try run(["serve", "--db", dir.file("a.sqlite"), "--port", "0", "--tls-cert", "\(fixtures)/server.pem"])
        #expect(certOnly.status == 2)
        #expect(certOnly.stderr.contains("--tls-cert needs --tls-key"), "\(certOnly.stderr)")
        let keyOnly = try run(["serve", "--db", dir.file("b.sqlite"), "--port", "0", "--tls-key", "\(fixtures)/server.key"])
        #expect(keyOnly.status == 2)
        #expect(keyOnly.stderr.contains("--tls-key needs --tls-cert"), "\(keyOnly.stderr)")
    }

    @Test func anUnreadableOrInvalidFileExitsTwoNamingIt() throws {
        let missing = dir.file("missing.pem")
        let unreadable = try run(["serve", "--db", dir.file("c.sqlite"), "--port", "0",
                                  "--tls-cert", missing, "--tls-key", "\(fixtures)/server.key"])
        #expect(unreadable.status == 2)
        #expect(unreadable.stderr.contains(missing), "\(unreadable.stderr)")
        let wrongKey = try run(["serve", "--db", dir.file("d.sqlite"), "--port", "0",
                                "--tls-cert", "\(fixtures)/server.pem", "--tls-key", "\(fixtures)/README.md"])
        #expect(wrongKey.status == 2)
        #expect(wrongKey.stderr.contains("\(fixtures)/README.md"), "\(wrongKey.stderr)")
    }

    @Test func helpExplainsTheFlags() throws {
        let help = try run(["serve", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("--tls-cert"))
        #expect(help.stdout.contains("--tls-key"))
    }

    @Test func clientRefusesAnUnreadableCAFile() throws {
        let result = try run(["client", "health", "--port", "1", "--tls-ca", dir.file("nothing.pem")])
        #expect(result.status == 2)
        #expect(result.stderr.contains("nothing.pem"), "\(result.stderr)")
    }
}
