import Foundation
import NIOCore
import NIOSSL
import VendorMatchCore

/// The server side of TLS (`serve --tls-cert F --tls-key F`): a certificate chain and its private key,
/// loaded once and shared by the wire-protocol listener and the HTTP listener. TLS 1.2 is the minimum.
public struct ServerTLS: Sendable {
    let context: NIOSSLContext
    /// The certificate file, for logs.
    public let certificatePath: String

    /// Loads a PEM certificate chain (the server's certificate first) and its PEM private key.
    /// Throws `invalidInput` naming the file (`field` `tls-cert` or `tls-key`) when a file cannot be
    /// read, holds no certificate or key, or the key does not belong to the certificate.
    public static func load(certificatePath: String, keyPath: String) throws(VMError) -> ServerTLS {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMBytes(try readFile(certificatePath, flag: "tls-cert"))
        } catch let error as VMError {
            throw error
        } catch {
            throw VMError(.invalidInput, "--tls-cert \(certificatePath): not a PEM certificate (\(error))", field: "tls-cert")
        }
        guard !chain.isEmpty else {
            throw VMError(.invalidInput, "--tls-cert \(certificatePath): no PEM certificate in the file", field: "tls-cert")
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(bytes: try readFile(keyPath, flag: "tls-key"), format: .pem)
        } catch let error as VMError {
            throw error
        } catch {
            throw VMError(.invalidInput, "--tls-key \(keyPath): not a PEM private key (\(error))", field: "tls-key")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        // Closing sends close_notify and waits this long for the peer's (everything written is out by then);
        // a connection that stopped reading (draining, backpressure) would otherwise hold on for 5 s.
        configuration.shutdownTimeout = Self.shutdownTimeout
        do {
            return ServerTLS(context: try NIOSSLContext(configuration: configuration), certificatePath: certificatePath)
        } catch {
            throw VMError(.invalidInput, "--tls-key \(keyPath) does not match --tls-cert \(certificatePath) (\(error))", field: "tls-key")
        }
    }

    /// How long a closing connection waits for the peer's close_notify.
    static let shutdownTimeout: TimeAmount = .milliseconds(500)

    /// A handler that terminates TLS for one accepted connection; it goes first in the pipeline.
    func makeHandler() -> NIOSSLServerHandler {
        NIOSSLServerHandler(context: context)
    }

    private static func readFile(_ path: String, flag: String) throws(VMError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw VMError(.invalidInput, "--\(flag) \(path): cannot read the file", field: flag)
        }
        return Array(data)
    }
}
