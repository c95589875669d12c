import Foundation
import NIOCore
import NIOSSL
import NIOTLS

/// The client side of TLS: which certificates to trust and which name to check the server's
/// certificate against. Loaded once, shared by every connection (`VendorMatchClient`, `LoadGenerator`).
public struct ClientTLS: Sendable {
    let context: NIOSSLContext
    /// The name the server's certificate must carry (also sent as SNI). Nil: the `host` connected to,
    /// checked as a DNS name or, for an IP address, against the certificate's IP addresses. (swift-nio-ssl
    /// also accepts a certificate whose IP addresses include the address connected to.)
    public var serverHostname: String?

    /// Trusts the system's CA certificates, plus those in `caFile` (PEM; a private CA or a self-signed
    /// server certificate) when given. TLS 1.2 is the minimum. Throws INVALID_ARGUMENT naming the file
    /// when it cannot be read or holds no PEM certificate.
    public init(caFile: String? = nil, serverHostname: String? = nil) throws(RPCError) {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        if let caFile {
            guard let data = FileManager.default.contents(atPath: caFile) else {
                throw RPCError(code: .invalidArgument, message: "--tls-ca \(caFile): cannot read the file", field: "tls-ca")
            }
            let certificates: [NIOSSLCertificate]
            do {
                certificates = try NIOSSLCertificate.fromPEMBytes(Array(data))
            } catch {
                throw RPCError(code: .invalidArgument, message: "--tls-ca \(caFile): not a PEM certificate (\(error))", field: "tls-ca")
            }
            guard !certificates.isEmpty else {
                throw RPCError(code: .invalidArgument, message: "--tls-ca \(caFile): no PEM certificate in the file", field: "tls-ca")
            }
            configuration.additionalTrustRoots = [.certificates(certificates)]
        }
        try self.init(configuration: configuration, serverHostname: serverHostname)
    }

    /// Any swift-nio-ssl client configuration (tests use it to offer old protocol versions).
    public init(configuration: TLSConfiguration, serverHostname: String? = nil) throws(RPCError) {
        do {
            context = try NIOSSLContext(configuration: configuration)
        } catch {
            throw RPCError(code: .invalidArgument, message: "invalid TLS configuration: \(error)")
        }
        self.serverHostname = serverHostname
    }

    /// The TLS handler for a connection to `host`; it goes first in the pipeline. An IP address is not
    /// sent as SNI (swift-nio-ssl then checks the certificate against the address connected to).
    func makeHandler(host: String) throws -> NIOSSLClientHandler {
        let name = serverHostname ?? host
        let isAddress = (try? SocketAddress(ipAddress: name, port: 0)) != nil
        return try NIOSSLClientHandler(context: context, serverHostname: isAddress ? nil : name)
    }
}

/// Completes `promise` when the TLS handshake is done, or fails it with the reason the handshake (or the
/// connection) failed, so `connect` reports a certificate problem itself rather than the first call.
final class HandshakeObserver: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let promise: EventLoopPromise<Void>

    init(promise: EventLoopPromise<Void>) {
        self.promise = promise
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event {
            promise.succeed()
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(error)
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(ChannelError.eof)
        context.fireChannelInactive()
    }
}
