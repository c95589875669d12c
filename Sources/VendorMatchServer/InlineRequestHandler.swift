import Logging
import NIOCore
import VendorMatchProto

/// Answers the requests the server serves from memory (Health, Shortlist, FindCaseStudies, unknown
/// methods) as soon as they are read, on the connection's event loop; passes every other frame on to
/// the connection's task (`VendorMatchServer.serve`).
///
/// An in-memory read takes a fraction of a millisecond, less than a task, its scheduling and an async
/// write would add. Responses are flushed once per batch of reads, so pipelined requests share a
/// write. Backpressure: while the connection is not writable (the client does not read its
/// responses), the handler stops asking for more input.
final class InlineRequestHandler: ChannelDuplexHandler {
    typealias InboundIn = Vendormatch_V1_Frame
    typealias InboundOut = Vendormatch_V1_Frame
    typealias OutboundIn = Vendormatch_V1_Frame
    typealias OutboundOut = Vendormatch_V1_Frame

    private let router: RequestRouter
    private let logger: Logger
    private var unflushed = false
    private var readHeld = false

    init(router: RequestRouter, logger: Logger) {
        self.router = router
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        router.stats.telemetry.metrics?.requestReceived()  // every frame of an admitted connection passes here
        guard let response = router.respondInline(to: frame, receivedAt: .now, logger: logger) else {
            context.fireChannelRead(data)
            return
        }
        context.write(wrapOutboundOut(response), promise: nil)
        unflushed = true
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if unflushed {
            unflushed = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func read(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            context.read()
        } else {
            readHeld = true
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if readHeld, context.channel.isWritable {
            readHeld = false
            context.read()
        }
        context.fireChannelWritabilityChanged()
    }
}
