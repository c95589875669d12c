#!/usr/bin/env python3
"""Interop check: a Python client of the VendorMatch wire protocol (CONTRACT §4), written against the
code that grpcio-tools generates from Protos/ and pip's protobuf runtime — an implementation independent
of the server's swift-protobuf.

Usage: PYTHONPATH=<generated> python_client.py --port P --token T [--tls-ca CA.pem]

With --tls-ca every connection is TLS (Python's ssl module, trusting that CA, checking the server's
certificate against 127.0.0.1), and the TLS checks run too: TLS 1.2+ negotiated, a plaintext client and a
client that does not trust the CA both fail without hurting other connections, TLS 1.1 is refused.

Checks: Health without a token; Shortlist (ids echoed, breakdown sums to the score); pipelined requests
answered by id in any order; an upsert (vendor + case study) then a Shortlist that sees it; the error
statuses 3 (undecodable payload, invalid field named), 4 (expired deadline), 5, 12 (unknown method),
16 (missing / wrong token), and an oversized header refused (8) and the connection closed.
"""
import argparse
import warnings
import http.client
import json
import socket
import ssl
import struct
import sys

from vendormatch.v1 import vendormatch_pb2 as pb

SERVICE = "/vendormatch.v1.VendorMatch/"
failures = []
tls_context = None  # set by --tls-ca: every Connection is then TLS
warnings.filterwarnings("ignore", "ssl.TLSVersion.TLSv1_1", DeprecationWarning)


def client_context(ca_file, maximum=None):
    """A client TLS context trusting ca_file only, checking the certificate against the address."""
    context = ssl.create_default_context(cafile=ca_file)
    if maximum is not None:
        context.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
        context.maximum_version = maximum
    return context


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        failures.append(what)


class Connection:
    def __init__(self, port, token=None, context="default"):
        context = tls_context if context == "default" else context
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if context is not None:
            self.sock = context.wrap_socket(self.sock, server_hostname="127.0.0.1")
        self.token = token
        self.next_id = 1
        self.buffer = b""

    def frame(self, method, message=None, payload=None, metadata=None, token=True):
        f = pb.Frame(id=self.next_id, method=SERVICE + method)
        self.next_id += 1
        f.payload = payload if payload is not None else message.SerializeToString()
        if token and self.token:
            f.metadata["authorization"] = "Bearer " + self.token
        for k, v in (metadata or {}).items():
            f.metadata[k] = v
        return f

    @staticmethod
    def encode(f):
        body = f.SerializeToString()
        return struct.pack(">BI", 0, len(body)) + body

    def send(self, *frames):
        self.sock.sendall(b"".join(self.encode(f) for f in frames))

    def receive(self):
        """The next frame, or None when the server closed the connection."""
        while True:
            if len(self.buffer) >= 5:
                flag, length = struct.unpack(">BI", self.buffer[:5])
                if flag != 0:
                    raise RuntimeError("server sent compression flag %d" % flag)
                if len(self.buffer) >= 5 + length:
                    body, self.buffer = self.buffer[5:5 + length], self.buffer[5 + length:]
                    f = pb.Frame()
                    f.ParseFromString(body)
                    return f
            try:
                chunk = self.sock.recv(65536)
            except (ConnectionResetError, ssl.SSLError):
                return None
            if not chunk:
                return None
            self.buffer += chunk

    def call(self, method, message, response_type, **kw):
        f = self.frame(method, message, **kw)
        self.send(f)
        r = self.receive()
        assert r is not None and r.id == f.id, "no response for id %d" % f.id
        out = response_type()
        if r.status.code == 0:
            out.ParseFromString(r.payload)
        return r.status, out

    def close(self):
        self.sock.close()


def shortlist_request(rid, **fields):
    q = pb.ShortlistRequest(id=rid, explain=True)
    for k, v in fields.items():
        if isinstance(v, list):
            getattr(q, k).extend(v)
        else:
            setattr(q, k, v)
    return q


def handshake_fails(port, context):
    """Whether a TLS handshake with this context fails (the server refused it, or the client did)."""
    try:
        Connection(port, context=context).close()
        return False
    except (ssl.SSLError, ConnectionResetError, OSError):
        return True


def tls_checks(args):
    c = Connection(args.port)
    check(c.sock.version() in ("TLSv1.2", "TLSv1.3"), "TLS: negotiated %s" % c.sock.version())
    status, health = c.call("Health", pb.HealthRequest(), pb.HealthResponse)
    check(status.code == 0 and health.status == "SERVING", "TLS: Health over TLS: SERVING")

    plain = Connection(args.port, context=None)
    plain.send(plain.frame("Health", pb.HealthRequest()))
    answer = b""
    while True:
        try:
            chunk = plain.sock.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        answer += chunk
    # At most a TLS alert record (content type 21), never a frame (compression flag 0); then the close.
    check(answer[:1] in (b"", b"\x15"), "TLS: a plaintext client gets no frame (%d bytes, a TLS alert) and is closed" % len(answer))
    plain.close()

    check(handshake_fails(args.port, ssl.create_default_context()), "TLS: a client not trusting the CA fails its handshake")
    check(handshake_fails(args.port, client_context(args.tls_ca, maximum=ssl.TLSVersion.TLSv1_1)),
          "TLS: TLS 1.1 at most is refused")
    status, health = c.call("Health", pb.HealthRequest(), pb.HealthResponse)
    check(status.code == 0, "TLS: the first connection is still served")
    c.close()


def https_checks(args):
    """The HTTP listener with the same certificate: Connect JSON calls and the console's Secure cookie."""
    def request(method, path, body=b"", headers=None):
        conn = http.client.HTTPSConnection("127.0.0.1", args.https_port, timeout=30, context=tls_context)
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        result = (r.status, r.getheader("Set-Cookie"), r.read())
        conn.close()
        return result

    status, _, body = request("GET", "/healthz")
    check(status == 200, "HTTPS: /healthz 200, got %d" % status)
    status, _, body = request("POST", SERVICE + "Health", b"{}", {"Content-Type": "application/json"})
    check(status == 200 and json.loads(body).get("status") == "SERVING", "HTTPS: Connect Health (JSON): SERVING")
    status, _, body = request("POST", SERVICE + "Stats", b"{}", {"Content-Type": "application/json",
                                                              "Authorization": "Bearer " + args.token})
    check(status == 200 and "counts" in json.loads(body), "HTTPS: Connect Stats with the token: 200")
    status, _, body = request("POST", SERVICE + "Stats", b"{}", {"Content-Type": "application/json"})
    check(status == 401 and json.loads(body).get("code") == "unauthenticated", "HTTPS: Connect Stats without a token: 401")
    status, cookie, _ = request("POST", "/session", ("key=" + args.token + "&next=%2F").encode(),
                                {"Content-Type": "application/x-www-form-urlencoded"})
    check(status == 303 and cookie is not None and "; Secure" in cookie and "HttpOnly" in cookie,
          "HTTPS: console sign-in cookie is Secure and HttpOnly: %s" % (cookie or "").split("=")[0])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--token", required=True)
    ap.add_argument("--tls-ca", help="connect over TLS, trusting this CA (PEM)")
    ap.add_argument("--https-port", type=int, help="with --tls-ca: also call the Connect API and the console over https")
    args = ap.parse_args()
    global tls_context
    if args.tls_ca:
        tls_context = client_context(args.tls_ca)
        tls_checks(args)
        if args.https_port:
            https_checks(args)

    anonymous = Connection(args.port)
    status, health = anonymous.call("Health", pb.HealthRequest(), pb.HealthResponse)
    check(status.code == 0 and health.status == "SERVING", "Health without a token: SERVING")

    status, _ = anonymous.call("Stats", pb.StatsRequest(), pb.StatsResponse)
    check(status.code == 16, "Stats without a token: UNAUTHENTICATED (16), got %d" % status.code)
    wrong = Connection(args.port, token=args.token + "x")
    status, _ = wrong.call("Shortlist", shortlist_request("w"), pb.ShortlistResponse)
    check(status.code == 16, "Shortlist with a wrong token: UNAUTHENTICATED (16), got %d" % status.code)
    wrong.close()

    c = Connection(args.port, token=args.token)
    status, stats = c.call("Stats", pb.StatsRequest(), pb.StatsResponse)
    check(status.code == 0 and stats.counts.vendors > 0, "Stats: %d vendors" % stats.counts.vendors)

    # Shortlist
    q = shortlist_request("py-1", industry="5221", size="1000-9999", need="predict which loans will default",
                          service_types=["data.machine-learning"], k=5)
    status, r = c.call("Shortlist", q, pb.ShortlistResponse)
    check(status.code == 0, "Shortlist: OK (%s)" % status.message)
    check(r.request_id == "py-1", "Shortlist: request id echoed")
    check(0 < len(r.vendors) <= 5, "Shortlist: %d vendors (k = 5)" % len(r.vendors))
    if r.vendors:
        v = r.vendors[0]
        b = v.breakdown
        total = b.industry + b.size + b.need + b.service + b.trust + b.quality + b.other
        check(abs(total - v.score) < 1e-6, "Shortlist: breakdown sums to the score (%.4f)" % v.score)
        check(len(v.reasons) > 0, "Shortlist: reasons given with explain")
        scores = [x.score for x in r.vendors]
        check(all(a > b for a, b in zip(scores, scores[1:])), "Shortlist: scores strictly decrease")

    # Pipelining: 20 requests in one write, matched by id whatever the order.
    frames = [c.frame("Shortlist", shortlist_request("pipe-%d" % i, service_types=["data"], k=3)) if i % 2 else
              c.frame("Health", pb.HealthRequest()) for i in range(20)]
    c.send(*frames)
    got = {}
    for _ in frames:
        f = c.receive()
        got[f.id] = f
    check(set(got) == {f.id for f in frames}, "Pipelining: 20 responses with the 20 request ids")
    ok = True
    for f in frames:
        resp = got.get(f.id)
        if resp is None or resp.status.code != 0:
            ok = False
            continue
        if f.method.endswith("Shortlist"):
            sr = pb.ShortlistResponse()
            sr.ParseFromString(resp.payload)
            req = pb.ShortlistRequest()
            req.ParseFromString(f.payload)
            ok = ok and sr.request_id == req.id
    check(ok, "Pipelining: each response belongs to its request")

    # Upsert, then a Shortlist that sees it.
    need_q = shortlist_request("py-new", industry="5221", need="tokenised bond settlement on a ledger",
                               service_types=["software.custom"], required_certifications=["PyInterop 2026"], k=3)
    status, before = c.call("Shortlist", need_q, pb.ShortlistResponse)
    check(status.code == 0 and len(before.vendors) == 0, "Before the upsert: no vendor holds the certification")
    vendor = pb.Vendor(id="py-interop-vendor", name="Python Interop Ledger Works", size="50-249")
    vendor.industries.append("5221")
    vendor.service_types.append("software.custom")
    vendor.certifications.append("PyInterop 2026")
    status, w = c.call("UpsertVendors", pb.UpsertVendorsRequest(vendors=[vendor]), pb.WriteResponse)
    check(status.code == 0 and w.written == 1, "UpsertVendors: OK, 1 written (%s)" % status.message)
    case = pb.CaseStudy(id="py-interop-case", vendor_id="py-interop-vendor", client_industry="5221",
                        need="bond settlement on a distributed ledger", verified=True)
    case.service_types.append("software.custom")
    case.evaluation.expertise = 4.5
    status, _ = c.call("UpsertCaseStudies", pb.UpsertCaseStudiesRequest(case_studies=[case]), pb.WriteResponse)
    check(status.code == 0, "UpsertCaseStudies: OK (%s)" % status.message)
    status, after = c.call("Shortlist", need_q, pb.ShortlistResponse)
    check(status.code == 0 and [v.vendor_id for v in after.vendors] == ["py-interop-vendor"],
          "After the upsert: the next Shortlist finds the new vendor")
    if after.vendors:
        check(any(m.case_study_id == "py-interop-case" for m in after.vendors[0].matched_cases),
              "After the upsert: its case study is matched")
    status, got_vendor = c.call("GetVendor", pb.GetVendorRequest(id="py-interop-vendor"), pb.GetVendorResponse)
    check(status.code == 0 and got_vendor.vendor.name == vendor.name and got_vendor.vendor.HasField("size"),
          "GetVendor: the stored vendor, optional size present")

    # Error statuses.
    status, _ = c.call("Shortlist", None, pb.ShortlistResponse, payload=b"\xff\xff\xff")
    check(status.code == 3, "Undecodable payload: INVALID_ARGUMENT (3), got %d" % status.code)
    status, _ = c.call("Shortlist", shortlist_request("bad", k=0), pb.ShortlistResponse)
    check(status.code == 3 and status.field == "k" and '"k"' in status.message,
          "k = 0: INVALID_ARGUMENT (3) naming the field: %s" % status.message)
    status, _ = c.call("Shortlist", shortlist_request("bad", service_types=["data", "data.teleportation"]), pb.ShortlistResponse)
    check(status.code == 3 and status.field == "service_types[1]", "Unknown service type: 3 naming service_types[1]")
    status, _ = c.call("UpsertVendors", pb.UpsertVendorsRequest(vendors=[pb.Vendor(id="x", name="X", size="huge")]), pb.WriteResponse)
    check(status.code == 3 and status.field == "vendors[0].size", "Bad size band in a batch: 3 naming vendors[0].size")
    status, _ = c.call("Frobnicate", pb.HealthRequest(), pb.HealthResponse)
    check(status.code == 12, "Unknown method: UNIMPLEMENTED (12), got %d" % status.code)
    status, _ = c.call("Shortlist", q, pb.ShortlistResponse, metadata={"deadline-ms": "0"})
    check(status.code == 4, "Expired deadline: DEADLINE_EXCEEDED (4), got %d" % status.code)
    status, _ = c.call("GetVendor", pb.GetVendorRequest(id="no-such-vendor"), pb.GetVendorResponse)
    check(status.code == 5, "Unknown vendor: NOT_FOUND (5), got %d" % status.code)
    status, _ = c.call("DeleteVendor", pb.DeleteVendorRequest(id="py-interop-vendor"), pb.DeleteVendorResponse)
    check(status.code == 0, "DeleteVendor: OK")
    status, gone = c.call("Shortlist", need_q, pb.ShortlistResponse)
    check(status.code == 0 and len(gone.vendors) == 0, "After the delete: the vendor is gone from shortlists")

    # An oversized header is refused before any payload, and only that connection is closed.
    big = Connection(args.port, token=args.token)
    big.sock.sendall(struct.pack(">BI", 0, 64 << 20))
    f = big.receive()
    check(f is not None and f.id == 0 and f.status.code == 8, "64 MiB header: RESOURCE_EXHAUSTED (8) before any payload")
    check(big.receive() is None, "64 MiB header: connection closed")
    big.close()
    status, health = c.call("Health", pb.HealthRequest(), pb.HealthResponse)
    check(status.code == 0, "Other connection still served")

    c.close()
    anonymous.close()
    if failures:
        print("%d check(s) failed" % len(failures))
        return 1
    print("python interop: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
