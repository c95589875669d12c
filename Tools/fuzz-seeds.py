#!/usr/bin/env python3
"""Writes the fuzzers' seed corpus (Tests/Fuzz/corpus/) from a demo market.

    vendormatch demo-data --out /tmp/demo --vendors 40 --requests 10 --seed 7
    python3 -m grpc_tools.protoc -I Protos --python_out=/tmp/gen Protos/vendormatch/v1/vendormatch.proto
    PYTHONPATH=/tmp/gen python3 Tools/fuzz-seeds.py /tmp/demo

Each input starts with the selector bytes its target reads (see Tests/Fuzz/*/Fuzz*.swift): FuzzFrames
(limit, split) then a stream of length-prefixed frames; FuzzRequests (message) then a serialized request;
FuzzJSONLines (file kind, chunk size) then JSON Lines text.
"""
import json
import os
import struct
import sys

from google.protobuf import json_format
from vendormatch.v1 import vendormatch_pb2 as pb

demo = sys.argv[1]
out = sys.argv[2] if len(sys.argv) > 2 else "Tests/Fuzz/corpus"
SERVICE = "/vendormatch.v1.VendorMatch/"


def lines(name, n):
    with open(os.path.join(demo, name), encoding="utf-8") as f:
        return [l.rstrip("\n") for l in f if l.strip()][:n]


def write(target, name, data):
    os.makedirs(os.path.join(out, target), exist_ok=True)
    with open(os.path.join(out, target, name), "wb") as f:
        f.write(data)


def message(cls, line):
    return json_format.ParseDict(json.loads(line), cls(), ignore_unknown_fields=True)


vendors = lines("vendors.jsonl", 4)
cases = lines("case_studies.jsonl", 4)
referrals = lines("referrals.jsonl", 4)
requests = lines("requests.jsonl", 4)

# FuzzJSONLines: kind byte (0 vendors, 1 case studies, 2 referrals, 3 requests), chunk-size byte, text.
for kind, (name, rows) in enumerate([("vendors", vendors), ("case_studies", cases), ("referrals", referrals), ("requests", requests)]):
    for i, row in enumerate(rows[:3]):
        write("FuzzJSONLines", f"{name}-{i}", bytes([kind, 40]) + row.encode() + b"\n")
    write("FuzzJSONLines", f"{name}-all", bytes([kind, 200]) + ("\r\n".join(rows) + "\n\n").encode())

# FuzzRequests: message byte (0 UpsertVendors, 1 UpsertCaseStudies, 2 RecordReferrals, 3 Shortlist,
# 4 FindCaseStudies), serialized request.
reqs = []
for i, v in enumerate(vendors[:3]):
    reqs.append((f"upsert-vendors-{i}", 0, pb.UpsertVendorsRequest(vendors=[message(pb.Vendor, v)])))
reqs.append(("upsert-vendors-batch", 0, pb.UpsertVendorsRequest(vendors=[message(pb.Vendor, v) for v in vendors])))
for i, c in enumerate(cases[:3]):
    reqs.append((f"upsert-cases-{i}", 1, pb.UpsertCaseStudiesRequest(case_studies=[message(pb.CaseStudy, c)])))
for i, r in enumerate(referrals[:3]):
    reqs.append((f"referrals-{i}", 2, pb.RecordReferralsRequest(referrals=[message(pb.Referral, r)])))
for i, q in enumerate(requests[:3]):
    m = message(pb.ShortlistRequest, q)
    m.explain = i == 0
    reqs.append((f"shortlist-{i}", 3, m))
for i, q in enumerate(requests[:2]):
    d = json.loads(q)
    m = pb.FindCaseStudiesRequest(need=d.get("need", ""), service_types=d.get("service_types", []), k=5)
    if "industry" in d:
        m.industry = d["industry"]
    if "size" in d:
        m.size = d["size"]
    reqs.append((f"find-cases-{i}", 4, m))
for name, selector, m in reqs:
    write("FuzzRequests", name, bytes([selector]) + m.SerializeToString())


# FuzzFrames: limit byte (even: 64-byte limit, odd: 4 MiB), split byte, frames.
def frame(fid, method, payload, **metadata):
    f = pb.Frame(id=fid, method=SERVICE + method, payload=payload.SerializeToString())
    for k, v in metadata.items():
        f.metadata[k.replace("_", "-")] = v
    body = f.SerializeToString()
    return struct.pack(">BI", 0, len(body)) + body


health = frame(1, "Health", pb.HealthRequest())
shortlist = frame(2, "Shortlist", message(pb.ShortlistRequest, requests[0]), authorization="Bearer k-123", deadline_ms="500")
upsert = frame(3, "UpsertVendors", pb.UpsertVendorsRequest(vendors=[message(pb.Vendor, vendors[0])]))
failure = pb.Frame(id=4, method=SERVICE + "GetVendor", end_of_stream=True, status=pb.Status(code=5, message="no vendor", field="id"))
failure = struct.pack(">BI", 0, len(failure.SerializeToString())) + failure.SerializeToString()
write("FuzzFrames", "health", bytes([1, 3]) + health)
write("FuzzFrames", "health-small-limit", bytes([0, 0]) + health)
write("FuzzFrames", "shortlist", bytes([1, 9]) + shortlist)
write("FuzzFrames", "upsert", bytes([1, 200]) + upsert)
write("FuzzFrames", "failure-response", bytes([1, 7]) + failure)
write("FuzzFrames", "pipelined", bytes([1, 40]) + health + shortlist + upsert + failure)
write("FuzzFrames", "partial", bytes([1, 2]) + health + shortlist[:11])
write("FuzzFrames", "compressed", bytes([1, 0]) + b"\x01" + health[1:])
write("FuzzFrames", "too-large", bytes([0, 0]) + upsert)
write("FuzzFrames", "malformed", bytes([1, 0]) + struct.pack(">BI", 0, 3) + b"\xff\xff\xff")
