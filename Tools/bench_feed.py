#!/usr/bin/env python3
"""The change feed's apply rate between two `vendormatch serve --store postgres://…` rankers (issue 14).

Two measurements, printed as one JSON object:
  catch-up:  the follower (--follower-pid) is stopped with SIGSTOP, --writes UpsertVendors (one vendor
             each, so one catalogue version each) are sent through the writer, pipelined --depth deep; the
             follower is continued and its Health `catalogue-version` polled every 5 ms until it holds the
             last write's version: versions applied per second while catching up.
  sustained: for --seconds, writes go through the writer as fast as it acknowledges them (same depth),
             while the follower's Health is polled every 20 ms: writes/s acknowledged, and the follower's
             lag behind the newest acknowledged version (versions and ms, from its metadata).

Usage: PYTHONPATH=<code generated from Protos/>:Tools \\
       bench_feed.py --writer-port A --follower-port B --follower-pid PID [--writes 5000] [--seconds 10]
"""
import argparse
import json
import os
import signal
import sys
import threading
import time

from replay_outcomes import Connection
from vendormatch.v1 import vendormatch_pb2 as pb


def upsert(n):
    v = pb.Vendor(id="feed-%d" % n, name="Feed vendor %d" % n)
    v.service_types.append("data.machine-learning")
    return pb.UpsertVendorsRequest(vendors=[v])


def write_burst(conn, first, count, depth):
    """Sends `count` writes pipelined `depth` deep; returns the highest acknowledged version."""
    sent = done = 0
    top = 0
    while done < count:
        while sent < count and sent - done < depth:
            conn.send("UpsertVendors", upsert(first + sent))
            sent += 1
        f = conn.receive()
        if f.status.code != 0:
            sys.exit("write failed: %d %s" % (f.status.code, f.status.message))
        top = max(top, int(f.metadata["catalogue-version"]))
        done += 1
    return top


def applied(conn):
    conn.send("Health", pb.HealthRequest())
    f = conn.receive()
    return int(f.metadata.get("catalogue-version", "0")), int(f.metadata.get("catalogue-lag-ms", "0") or 0)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--writer-port", type=int, required=True)
    p.add_argument("--follower-port", type=int, required=True)
    p.add_argument("--follower-pid", type=int, required=True)
    p.add_argument("--writes", type=int, default=5000)
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--depth", type=int, default=32)
    p.add_argument("--first", type=int, default=0, help="first vendor number (runs after the first use new ids)")
    a = p.parse_args()
    writer, follower = Connection(a.writer_port), Connection(a.follower_port)
    out = {}

    # Catch-up.
    os.kill(a.follower_pid, signal.SIGSTOP)
    try:
        t0 = time.monotonic()
        target = write_burst(writer, a.first, a.writes, a.depth)
        out["burst_writes_per_second"] = a.writes / (time.monotonic() - t0)
    finally:
        os.kill(a.follower_pid, signal.SIGCONT)
    t0 = time.monotonic()
    start_version, _ = applied(follower)
    version = start_version
    while version < target:
        time.sleep(0.005)
        version, _ = applied(follower)
    seconds = time.monotonic() - t0
    out["catch_up"] = {"versions": target - start_version, "seconds": round(seconds, 3),
                       "versions_per_second": round((target - start_version) / seconds, 1)}

    # Sustained.
    stop = threading.Event()
    acknowledged = [0, 0]  # writes, newest version
    lags = []

    def writing():
        n = a.first + a.writes
        sent = done = 0
        while not stop.is_set() or done < sent:
            while not stop.is_set() and sent - done < a.depth:
                writer.send("UpsertVendors", upsert(n + sent))
                sent += 1
            f = writer.receive()
            if f.status.code != 0:
                sys.exit("write failed: %d %s" % (f.status.code, f.status.message))
            done += 1
            acknowledged[0] = done
            acknowledged[1] = max(acknowledged[1], int(f.metadata["catalogue-version"]))

    w = threading.Thread(target=writing)
    t0 = time.monotonic()
    w.start()
    while time.monotonic() - t0 < a.seconds:
        newest = acknowledged[1]
        version, lag_ms = applied(follower)
        lags.append((max(0, newest - version), lag_ms))
        time.sleep(0.02)
    stop.set()
    w.join()
    seconds = time.monotonic() - t0
    lv = sorted(x[0] for x in lags)
    lm = sorted(x[1] for x in lags)

    def q(xs, f):
        return xs[min(len(xs) - 1, int(len(xs) * f))] if xs else None
    out["sustained"] = {"writes": acknowledged[0], "seconds": round(seconds, 2),
                        "writes_per_second": round(acknowledged[0] / seconds, 1),
                        "follower_lag_versions_p50": q(lv, 0.5), "follower_lag_versions_p99": q(lv, 0.99),
                        "follower_lag_versions_max": lv[-1] if lv else None,
                        "follower_lag_ms_p50": q(lm, 0.5), "follower_lag_ms_max": lm[-1] if lm else None,
                        "samples": len(lags)}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
