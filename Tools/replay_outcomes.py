#!/usr/bin/env python3
"""Plays a portal against a running `vendormatch serve`: sends a Shortlist for every request of a
requests.jsonl file (pipelined, over the wire protocol), then records the market's own choices for those
requests (its qrels: 2 chosen, 1 shortlisted) through RecordOutcomes, and prints what it did as JSON.

Usage: PYTHONPATH=<code generated from Protos/ by grpcio-tools> \\
       replay_outcomes.py --port P --requests F --qrels F [--token T] [--depth 64] [--batch 200]

The request ids of the file are the shortlists' ids, so the outcomes (qrels lines) refer to them.
"""
import argparse
import json
import socket
import struct
import sys
import time

from google.protobuf import json_format
from vendormatch.v1 import vendormatch_pb2 as pb

SERVICE = "/vendormatch.v1.VendorMatch/"


class Connection:
    def __init__(self, port, token=None):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=120)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.token = token
        self.next_id = 1
        self.buffer = b""

    def send(self, method, message):
        f = pb.Frame(id=self.next_id, method=SERVICE + method, payload=message.SerializeToString())
        self.next_id += 1
        if self.token:
            f.metadata["authorization"] = "Bearer " + self.token
        body = f.SerializeToString()
        self.sock.sendall(struct.pack(">BI", 0, len(body)) + body)
        return f.id

    def receive(self):
        while True:
            if len(self.buffer) >= 5:
                _, length = struct.unpack(">BI", self.buffer[:5])
                if len(self.buffer) >= 5 + length:
                    body, self.buffer = self.buffer[5:5 + length], self.buffer[5 + length:]
                    f = pb.Frame()
                    f.ParseFromString(body)
                    return f
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise RuntimeError("the server closed the connection")
            self.buffer += chunk


def fail(frame, what):
    sys.exit("%s failed: status %d %s" % (what, frame.status.code, frame.status.message))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--requests", required=True)
    ap.add_argument("--qrels", required=True)
    ap.add_argument("--token")
    ap.add_argument("--depth", type=int, default=64, help="requests in flight at once")
    ap.add_argument("--batch", type=int, default=200, help="outcomes per RecordOutcomes call")
    args = ap.parse_args()

    requests = []
    with open(args.requests) as f:
        for line in f:
            if line.strip():
                requests.append(json_format.ParseDict(json.loads(line), pb.ShortlistRequest(), ignore_unknown_fields=True))
    ids = {r.id for r in requests}
    outcomes = []
    with open(args.qrels) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 4 and parts[0] in ids:
                outcomes.append(pb.Outcome(request_id=parts[0], vendor_id=parts[2], grade=int(parts[3])))

    conn = Connection(args.port, args.token)
    started = time.time()
    in_flight, sent, served, latencies = {}, 0, 0, []
    while served < len(requests):
        while sent < len(requests) and len(in_flight) < args.depth:
            in_flight[conn.send("Shortlist", requests[sent])] = time.time()
            sent += 1
        f = conn.receive()
        latencies.append(time.time() - in_flight.pop(f.id))
        if f.status.code != 0:
            fail(f, "Shortlist")
        served += 1
    shortlist_seconds = time.time() - started

    recorded = 0
    for i in range(0, len(outcomes), args.batch):
        conn.send("RecordOutcomes", pb.RecordOutcomesRequest(outcomes=outcomes[i:i + args.batch]))
        f = conn.receive()
        if f.status.code != 0:
            fail(f, "RecordOutcomes")
        r = pb.WriteResponse()
        r.ParseFromString(f.payload)
        recorded += r.written
    latencies.sort()
    print(json.dumps({
        "shortlists": served, "shortlist_seconds": round(shortlist_seconds, 2),
        "shortlist_p50_ms": round(1000 * latencies[len(latencies) // 2], 2) if latencies else None,
        "outcomes_recorded": recorded,
    }))


if __name__ == "__main__":
    main()
