import NIOCore
import VendorMatchProto
import VendorMatchWire

/// One request on its way out, with the promise its response completes.
struct OutgoingCall: Sendable {
    var frame: Vendormatch_V1_Frame
    var promise: EventLoopPromise<Vendormatch_V1_Frame>
}

/// Multiplexes calls over one connection: gives each outgoing request a fresh id, remembers its
/// promise, and completes it with the response frame carrying that id (in whatever order they come).
/// A frame with id 0 and an error status is about the connection itself and fails every pending call;
/// so does the connection closing.
final class ClientCallHandler: ChannelDuplexHandler {
    typealias InboundIn = Vendormatch_V1_Frame
    typealias OutboundIn = OutgoingCall
    typealias OutboundOut = Vendormatch_V1_Frame

    private var nextID: UInt64 = 1
    private var pending: [UInt64: EventLoopPromise<Vendormatch_V1_Frame>] = [:]
    private var closedError: RPCError?

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        var call = unwrapOutboundIn(data)
        if let closedError {
            call.promise.fail(closedError)
            promise?.fail(closedError)
            return
        }
        if call.frame.id == 0 {
            call.frame.id = nextID
            nextID &+= 1
        }
        let id = call.frame.id
        pending[id] = call.promise
        let writePromise = promise ?? context.eventLoop.makePromise()
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        writePromise.futureResult.whenFailure { error in
            guard let p = handler.value.pending.removeValue(forKey: id) else { return }
            p.fail(RPCError(code: .unavailable, message: "request not sent: \(error)"))
        }
        context.write(wrapOutboundOut(call.frame), promise: writePromise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        if let promise = pending.removeValue(forKey: frame.id) {
            promise.succeed(frame)
        } else if frame.id == 0, frame.statusCode != .ok {
            failAll(RPCError(code: frame.statusCode, message: frame.status.message, field: frame.status.field))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(RPCError(code: .unavailable, message: "connection closed"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failAll(RPCError(code: .unavailable, message: "connection failed: \(error)"))
        context.close(promise: nil)
    }

    private func failAll(_ error: RPCError) {
        if closedError == nil { closedError = error }
        let calls = pending
        pending.removeAll()
        for (_, p) in calls { p.fail(error) }
    }
}
