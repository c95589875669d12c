import NIOCore

/// Closes a connection whose frame does not arrive whole within the frame timeout, counted from its
/// first byte: a client dripping a header a byte a second keeps the idle timer happy but is dropped
/// here.
///
/// It sits before the frame decoder and follows the framing itself, byte counts only:
///
///     +------+----------------+---------------------+
///     | flag | length (4, BE) | payload (length)    |
///     +------+----------------+---------------------+
///
/// Time during which the server itself does not read (backpressure: requests in flight, responses
/// unread) is not held against the client: a deadline that passes then is renewed when reading resumes.
final class FrameTimeoutHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = NIOAny
    typealias OutboundOut = NIOAny

    private enum Position: Equatable {
        /// `read` bytes of the 5-byte header seen; `length` collects its last four.
        case header(read: Int, length: UInt32)
        case payload(remaining: Int)
    }

    private let timeout: TimeAmount
    private var position = Position.header(read: 0, length: 0)
    private var deadline: Scheduled<Void>?
    private var reading = true
    private var expiredWhilePaused = false

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        reading = false
        if advance(over: buffer.readableBytesView) { cancelDeadline() }
        if position != .header(read: 0, length: 0), deadline == nil { startDeadline(context: context) }
        context.fireChannelRead(data)
    }

    func read(context: ChannelHandlerContext) {
        reading = true
        if expiredWhilePaused {
            expiredWhilePaused = false
            startDeadline(context: context)
        }
        context.read()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelDeadline()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelDeadline()
    }

    /// Moves the position over `bytes`; true when at least one frame ended in them.
    private func advance(over bytes: ByteBufferView) -> Bool {
        var completed = false
        var i = bytes.startIndex
        while i < bytes.endIndex {
            switch position {
            case let .header(read, length):
                let length = read == 0 ? 0 : length << 8 | UInt32(bytes[i])
                i += 1
                if read + 1 < 5 {
                    position = .header(read: read + 1, length: length)
                } else if length == 0 {
                    position = .header(read: 0, length: 0)
                    completed = true
                } else {
                    position = .payload(remaining: Int(length))
                }
            case let .payload(remaining):
                let take = min(remaining, bytes.endIndex - i)
                i += take
                if take == remaining {
                    position = .header(read: 0, length: 0)
                    completed = true
                } else {
                    position = .payload(remaining: remaining - take)
                }
            }
        }
        return completed
    }

    private func startDeadline(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
            deadline = nil
            if reading {
                context.close(promise: nil)
            } else {
                expiredWhilePaused = true
            }
        }
    }

    private func cancelDeadline() {
        deadline?.cancel()
        deadline = nil
    }
}
