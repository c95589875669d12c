import Logging
import VendorMatchCore
import VendorMatchProto

extension VendorMatchServer {
    /// Answers one request frame through the router, exactly as if it had been read from a wire-protocol
    /// connection (authentication, scopes, tenant rules, deadline, decoding, validation, the backend, the
    /// error's status). `receivedAt` starts the frame's `deadline-ms`. The HTTP listener's only way in.
    public func respond(to frame: Vendormatch_V1_Frame, receivedAt: ContinuousClock.Instant, logger: Logger) async -> Vendormatch_V1_Frame {
        await router.respond(to: frame, receivedAt: receivedAt, logger: logger)
    }

    /// The taxonomy requests are validated against (for the console's pickers).
    public var taxonomy: Taxonomy { router.backend.codec.taxonomy }
}
