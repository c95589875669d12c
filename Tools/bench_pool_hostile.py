#!/usr/bin/env python3
"""Hostile clients for Tools/bench-pool.sh (issue 13's load acceptance), speaking the frame protocol of
CONTRACT §4 by hand: no generated code needed. Each sub-command prints one JSON object.

  drip PORT                  a client sends a frame header one byte a second: seconds until the server closes it
  crowd PORT IDLE SLOW       IDLE idle and SLOW slow-header connections, then a new client's Health round trips (ms)
  pipeline PORT N PID        one client pipelines N Shortlist requests without reading: the server's RSS growth (MB)
  malformed PORT N PID       N malformed frames of many kinds; the server must live and keep serving others
  summary 0|1                one line from a loadgen --json report on stdin (1: with its probe)
"""
import json, os, random, socket, sys, threading, time

def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)

def field_bytes(num, data):
    return varint(num << 3 | 2) + varint(len(data)) + data

def frame(fid, method, payload=b"", flag=0):
    body = b""
    if fid:
        body += varint(1 << 3) + varint(fid)
    body += field_bytes(2, method.encode())
    if payload:
        body += field_bytes(3, payload)
    return bytes([flag]) + len(body).to_bytes(4, "big") + body

HEALTH = "/vendormatch.v1.VendorMatch/Health"
SHORTLIST = "/vendormatch.v1.VendorMatch/Shortlist"

def shortlist_payload(i):
    return (field_bytes(1, f"hostile-{i}".encode()) + field_bytes(3, b"5221")
            + field_bytes(5, b"predict which loans will default") + field_bytes(6, b"data.machine-learning"))

def read_frame(sock):
    def exact(n):
        buf = b""
        while len(buf) < n:
            chunk = sock.recv(n - len(buf))
            if not chunk:
                raise ConnectionError("closed")
            buf += chunk
        return buf
    header = exact(5)
    return exact(int.from_bytes(header[1:], "big"))

def health_ms(port):
    t0 = time.perf_counter()
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.sendall(frame(1, HEALTH))
    read_frame(s)
    ms = (time.perf_counter() - t0) * 1000
    s.close()
    return ms

def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0

def drip(port):
    s = socket.create_connection(("127.0.0.1", port))
    t0 = time.monotonic()
    header = bytes([0]) + (100).to_bytes(4, "big")
    s.settimeout(1.0)
    i = 0
    while time.monotonic() - t0 < 60:
        try:
            if i < len(header):
                s.send(header[i:i + 1])
                i += 1
            data = s.recv(1)
            if data == b"":
                break
        except socket.timeout:
            continue
        except OSError:
            break
    print(json.dumps({"closed_after_s": round(time.monotonic() - t0, 2)}))

def crowd(port, idle, slow):
    socks = []
    for _ in range(idle):
        socks.append(socket.create_connection(("127.0.0.1", port)))
    slow_socks = []
    for _ in range(slow):
        s = socket.create_connection(("127.0.0.1", port))
        s.send(b"\x00")  # a header begun, never finished
        slow_socks.append(s)
    stop = threading.Event()
    def dripper():
        k = 1
        while not stop.wait(1.0):
            for s in slow_socks:
                try:
                    s.send(b"\x00" if k < 4 else b"")
                except OSError:
                    pass
            k += 1
    t = threading.Thread(target=dripper, daemon=True)
    t.start()
    time.sleep(0.2)
    samples = [health_ms(port) for _ in range(20)]
    stop.set()
    for s in socks + slow_socks:
        s.close()
    print(json.dumps({"idle": idle, "slow": slow, "new_client_ms_max": round(max(samples), 2),
                      "new_client_ms_median": round(sorted(samples)[len(samples) // 2], 2)}))

def pipeline(port, n, pid):
    before = rss_mb(pid)
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(("127.0.0.1", port))
    data = b"".join(frame(i + 1, SHORTLIST, shortlist_payload(i)) for i in range(n))
    s.settimeout(0.5)
    sent, peak, t0 = 0, before, time.monotonic()
    while sent < len(data) and time.monotonic() - t0 < 30:
        try:
            sent += s.send(data[sent:sent + 65536])
        except socket.timeout:
            pass
        peak = max(peak, rss_mb(pid))
    for _ in range(30):  # let the server do what it will with what it read
        time.sleep(0.1)
        peak = max(peak, rss_mb(pid))
    s.close()
    print(json.dumps({"requests": n, "bytes_sent": sent, "bytes_total": len(data), "rss_before_mb": round(before, 1),
                      "rss_peak_mb": round(peak, 1), "growth_mb": round(peak - before, 1)}))

def bad_metadata(i):
    # A metadata entry whose map entry claims 5 bytes of key but carries 2.
    body = varint(8) + varint(i) + field_bytes(2, HEALTH.encode()) + field_bytes(4, b"\x0a\x05ab")
    return b"\x00" + len(body).to_bytes(4, "big") + body

def malformed(port, n, pid):
    rng = random.Random(7)
    bystander = socket.create_connection(("127.0.0.1", port), timeout=10)
    bystander.sendall(frame(1, HEALTH))
    read_frame(bystander)
    kinds = {}
    def garbage(k):
        return bytes(rng.getrandbits(8) for _ in range(k))
    makers = [
        ("random_bytes", lambda i: garbage(rng.randint(1, 300))),
        ("compressed_flag", lambda i: frame(i, HEALTH, flag=1)),
        ("bad_flag", lambda i: frame(i, HEALTH, flag=rng.randint(2, 255))),
        ("oversized_header", lambda i: b"\x00" + (0xFFFFFFFF).to_bytes(4, "big")),
        ("length_too_long", lambda i: b"\x00" + (50).to_bytes(4, "big") + garbage(10)),
        ("garbage_body", lambda i: b"\x00" + (40).to_bytes(4, "big") + garbage(40)),
        ("bad_wire_type", lambda i: b"\x00" + (3).to_bytes(4, "big") + b"\x0f\x01\x02"),
        ("huge_varint", lambda i: b"\x00" + (11).to_bytes(4, "big") + b"\x08" + b"\xff" * 10),
        ("unknown_method", lambda i: frame(i, "/nope/" + str(i))),
        ("garbage_payload", lambda i: frame(i, SHORTLIST, garbage(rng.randint(1, 64)))),
        ("truncated_payload", lambda i: frame(i, SHORTLIST, b"\x0a\x50abc")),
        ("empty_frame", lambda i: b"\x00\x00\x00\x00\x00"),
        ("bad_metadata", bad_metadata),
    ]
    sent = 0
    conn = None
    while sent < n:
        name, make = makers[sent % len(makers)]
        kinds[name] = kinds.get(name, 0) + 1
        if conn is None:
            conn = socket.create_connection(("127.0.0.1", port), timeout=5)
        try:
            conn.sendall(make(sent + 1))
        except OSError:
            pass
        sent += 1
        # Frame-level garbage ends the connection: start a new one for the next (every 4th, keep going
        # on the same one to mix several frames on one connection).
        if sent % 4 == 0 or name not in ("unknown_method", "garbage_payload", "truncated_payload"):
            conn.close()
            conn = None
    if conn:
        conn.close()
    time.sleep(0.5)
    alive = os.path.exists(f"/proc/{pid}")
    bystander.sendall(frame(2, HEALTH))
    bystander_ok = len(read_frame(bystander)) > 0
    print(json.dumps({"frames": sent, "kinds": len(kinds), "server_alive": alive, "bystander_ok": bystander_ok,
                      "fresh_client_ms": round(health_ms(port), 2)}))

def summary(kind):
    """One line from a `vendormatch loadgen --json` report on stdin."""
    r = json.load(sys.stdin)
    line = "%.0f/s p50 %s p99 %s ms errors %d" % (r["requests_per_second"], r["p50_ms"], r["p99_ms"], r["errors"])
    if kind == 1:
        line += "; health probe p50 %s p99 %s max %s ms (%d answers, %d errors)" % (
            r["probe_p50_ms"], r["probe_p99_ms"], r["probe_max_ms"], r["probe_responses"], r["probe_errors"])
    print(line)

if __name__ == "__main__":
    cmd, args = sys.argv[1], [int(a) for a in sys.argv[2:]]
    if cmd == "summary":
        summary(*args)
        sys.exit(0)
    {"drip": drip, "crowd": crowd, "pipeline": pipeline, "malformed": malformed}[cmd](*args)
