import Logging
import NIOCore
import VendorMatchProto
import VendorMatchWire

/// Serves one connection on its event loop: hands every decoded frame to the `RequestRouter` and writes
/// the responses as they come back, in whatever order they finish (pipelining). The loop itself only
/// routes and writes; Health is answered on the spot, everything else runs on the worker pool.
///
/// Bounds, per connection: at most `maximumInFlight` requests on the workers at once. Frames read beyond
/// that wait here, in read order, while reading is paused (TCP backpressure), so the wait is bounded by
/// what one read delivered; past `maximumQueued` of them, a frame is answered RESOURCE_EXHAUSTED. Reading
/// also pauses while the connection is not writable (the client leaves its responses unread).
///
/// End of a connection: after the client half-closes (or the server drains), every request already read
/// is answered, then the connection closes. A frame that cannot be decoded (`FrameError`) is answered
/// with an error frame (id 0) after the requests before it, then the connection closes.
final class RequestHandler: ChannelDuplexHandler {
    typealias InboundIn = Vendormatch_V1_Frame
    typealias OutboundIn = Vendormatch_V1_Frame
    typealias OutboundOut = Vendormatch_V1_Frame

    private let router: RequestRouter
    private let logger: Logger
    private let maximumInFlight: Int
    private let maximumQueued: Int

    private var inFlight = 0
    private var queued = CircularBuffer<(frame: Vendormatch_V1_Frame, receivedAt: ContinuousClock.Instant)>()
    private var readHeld = false
    private var unflushed = false
    private var inputClosed = false
    private var decodingFailed: FrameError?
    private var closing = false
    private var lastWrite: EventLoopFuture<Void>?

    init(router: RequestRouter, logger: Logger, maximumInFlight: Int, maximumQueued: Int) {
        self.router = router
        self.logger = logger
        self.maximumInFlight = max(1, maximumInFlight)
        self.maximumQueued = max(0, maximumQueued)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        let now = ContinuousClock.now
        guard !closing else { return }
        if inFlight >= maximumInFlight || !queued.isEmpty {
            if queued.count >= maximumQueued {
                let message = "too many requests queued on this connection (\(maximumInFlight) in flight, \(maximumQueued) waiting); read responses before sending more"
                write(router.refuse(frame, message: message, receivedAt: now, logger: logger), context: context)
            } else {
                queued.append((frame, now))
            }
            return
        }
        start(frame, receivedAt: now, context: context)
    }

    private func start(_ frame: Vendormatch_V1_Frame, receivedAt: ContinuousClock.Instant, context: ChannelHandlerContext) {
        switch router.dispatch(frame, receivedAt: receivedAt, logger: logger, on: context.eventLoop) {
        case let .answered(response):
            write(response, context: context)
        case let .pending(future):
            inFlight += 1
            future.assumeIsolated().whenSuccess { [self] response in
                inFlight -= 1
                guard !closing else { return }
                write(response, context: context)
                startQueued(context: context)
                flushIfNeeded(context: context)
                resumeReading(context: context)
                closeIfDone(context: context)
            }
        }
    }

    private func startQueued(context: ChannelHandlerContext) {
        while inFlight < maximumInFlight, let next = queued.popFirst() {
            start(next.frame, receivedAt: next.receivedAt, context: context)
        }
    }

    private func write(_ response: Vendormatch_V1_Frame, context: ChannelHandlerContext) {
        let promise = context.eventLoop.makePromise(of: Void.self)
        context.write(wrapOutboundOut(response), promise: promise)
        lastWrite = promise.futureResult
        unflushed = true
    }

    private func flushIfNeeded(context: ChannelHandlerContext) {
        if unflushed {
            unflushed = false
            context.flush()
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flushIfNeeded(context: context)
        context.fireChannelReadComplete()
    }

    private var mayRead: Bool {
        !closing && decodingFailed == nil && inFlight < maximumInFlight && queued.isEmpty
    }

    func read(context: ChannelHandlerContext) {
        if mayRead, context.channel.isWritable {
            context.read()
        } else {
            readHeld = true
        }
    }

    private func resumeReading(context: ChannelHandlerContext) {
        if readHeld, mayRead, context.channel.isWritable {
            readHeld = false
            context.read()
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        resumeReading(context: context)
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event {
            inputClosed = true
            closeIfDone(context: context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? FrameError {
            logger.info("closing connection: \(error.message)", metadata: ["vm.status": "\(error.code.status)"])
            if decodingFailed == nil { decodingFailed = error }
            closeIfDone(context: context)
        } else {
            logger.debug("connection error: \(error)")
            closing = true
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        closing = true
        queued.removeAll()
        context.fireChannelInactive()
    }

    /// Closes once the input is done (end of stream, draining, or a frame that could not be decoded) and
    /// every request read before has been answered and written.
    private func closeIfDone(context: ChannelHandlerContext) {
        guard !closing, inputClosed || decodingFailed != nil, inFlight == 0, queued.isEmpty else { return }
        closing = true
        if let error = decodingFailed {
            write(.failure(id: 0, method: "", code: error.code.status, message: error.message), context: context)
        }
        flushIfNeeded(context: context)
        if let lastWrite {
            lastWrite.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        } else {
            context.close(promise: nil)
        }
    }
}
