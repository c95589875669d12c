import NIOCore
import NIOHTTP1

/// One HTTP/1.1 connection: collects a request whole (head within `headTimeout`, body within `bodyTimeout`
/// of the head, at most `maximumBodyBytes`), hands it to the application off the event loop, and writes
/// the response back on the loop. NIO's pipelining assistance keeps one request in flight per connection.
final class HTTPConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// Sent down a connection's pipeline when the server drains: finish the request in hand, then close.
    struct Drain: Sendable {}

    private enum State {
        case idle
        case receiving(HTTPRequestHead, ByteBuffer)
        /// A refused request whose remaining parts are skipped until its end.
        case discarding
        case responding
    }

    private let configuration: VendorMatchHTTPServer.Configuration
    private let application: @Sendable (HTTPRequest) async -> HTTPResponse
    private let isSecure: Bool
    private var state = State.idle
    private var timer: Scheduled<Void>?
    private var draining = false

    init(configuration: VendorMatchHTTPServer.Configuration, isSecure: Bool = false,
         application: @escaping @Sendable (HTTPRequest) async -> HTTPResponse) {
        self.configuration = configuration
        self.isSecure = isSecure
        self.application = application
    }

    func handlerAdded(context: ChannelHandlerContext) { arm(configuration.headTimeout, context: context) }

    func handlerRemoved(context: ChannelHandlerContext) { timer?.cancel() }

    private func arm(_ timeout: TimeAmount, context: ChannelHandlerContext) {
        timer?.cancel()
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: timeout) {
            let (handler, context) = loopBound.value
            handler.timedOut(context: context)
        }
    }

    private func timedOut(context: ChannelHandlerContext) {
        timer = nil
        switch state {
        case let .receiving(head, _):
            state = .discarding
            write(.text(.requestTimeout, "request not received in time\n", close: true), for: head, context: context)
        case .idle, .discarding:
            context.close(promise: nil)
        case .responding:
            break
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case let .head(head):
            guard case .idle = state else { return }
            if let length = head.headers.first(name: "Content-Length").flatMap(Int.init), length > configuration.maximumBodyBytes {
                refuseTooLarge(head, context: context)
                return
            }
            state = .receiving(head, context.channel.allocator.buffer(capacity: 0))
            arm(configuration.bodyTimeout, context: context)
        case var .body(chunk):
            guard case .receiving(let head, var body) = state else { return }
            if body.readableBytes + chunk.readableBytes > configuration.maximumBodyBytes {
                refuseTooLarge(head, context: context)
                return
            }
            state = .responding  // drop the reference so the append does not copy
            body.writeBuffer(&chunk)
            state = .receiving(head, body)
        case .end:
            switch state {
            case let .receiving(head, body):
                timer?.cancel()
                timer = nil
                state = .responding
                dispatch(HTTPRequest(head: head, body: body, receivedAt: .now, isSecure: isSecure), context: context)
            case .discarding:
                break
            case .idle, .responding:
                break
            }
        }
    }

    private func refuseTooLarge(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        state = .discarding
        write(.text(.payloadTooLarge, "request body larger than \(configuration.maximumBodyBytes) bytes\n", close: true), for: head, context: context)
    }

    /// Runs the application in a task; the response is written back on the connection's event loop.
    private func dispatch(_ request: HTTPRequest, context: ChannelHandlerContext) {
        let promise = context.eventLoop.makePromise(of: HTTPResponse.self)
        let application = self.application
        promise.completeWithTask { await application(request) }
        promise.futureResult.assumeIsolated().whenSuccess { response in
            self.write(response, for: request.head, context: context)
        }
    }

    private func write(_ response: HTTPResponse, for request: HTTPRequestHead, context: ChannelHandlerContext) {
        let keepAlive = request.isKeepAlive && !response.close && !draining
        var headers = response.headers
        headers.replaceOrAdd(name: "Content-Length", value: "\(response.body.count)")
        headers.replaceOrAdd(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: response.status, headers: headers))), promise: nil)
        if request.method != .HEAD, !response.body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: response.body)))), promise: nil)
        }
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if keepAlive {
            if case .responding = state { state = .idle }
            arm(configuration.headTimeout, context: context)
        } else {
            timer?.cancel()
            let channel = context.channel
            written.whenComplete { _ in channel.close(promise: nil) }
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is Drain {
            draining = true
            if case .idle = state { context.close(promise: nil) }
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
