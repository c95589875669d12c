#!/usr/bin/env python3
"""Connect interop through the Python `connectrpc` package: its generated client (protoc-gen-connectrpc, with
Google's protobuf runtime) calls every method of service VendorMatch with the JSON codec and with the binary
codec, and each answer must equal the binary wire protocol's (python_client.Connection); its errors must carry
the right codes. Usage: PYTHONPATH=<generated>:Tests/Interop connectrpc_client.py --port P --http-port H --token T
"""
import argparse
import sys

from connectrpc.code import Code
from connectrpc.compat import google_protobuf_binary_codec, google_protobuf_json_codec
from connectrpc.errors import ConnectError
from vendormatch.v1 import vendormatch_pb2 as pb
from vendormatch.v1.vendormatch_connect import VendorMatchClientSync
from python_client import Connection

failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        failures.append(what)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--http-port", type=int, required=True)
    p.add_argument("--token", required=True)
    args = p.parse_args()
    wire = Connection(args.port, token=args.token)
    auth = {"authorization": "Bearer " + args.token}
    address = "http://127.0.0.1:%d" % args.http_port
    clients = {name: VendorMatchClientSync(address, codec=codec, send_compression=None)
               for name, codec in (("json", google_protobuf_json_codec()), ("proto", google_protobuf_binary_codec()))}

    q = pb.ShortlistRequest(id="connectrpc-1", industry="5221", need="predict which loans will default",
                            service_types=["data"], k=10, explain=True)
    cases = [
        ("Health", "health", pb.HealthRequest(), pb.HealthResponse, lambda m: (m.status, m.version)),
        ("Shortlist", "shortlist", q, pb.ShortlistResponse, lambda m: m),
        ("FindCaseStudies", "find_case_studies", pb.FindCaseStudiesRequest(industry="522", need="fraud", k=10),
         pb.FindCaseStudiesResponse, lambda m: m),
        ("UpsertVendors", "upsert_vendors", pb.UpsertVendorsRequest(vendors=[pb.Vendor(id="crpc-v", name="ConnectRPC Ltd")]),
         pb.WriteResponse, lambda m: m),
        ("UpsertCaseStudies", "upsert_case_studies", pb.UpsertCaseStudiesRequest(case_studies=[pb.CaseStudy(
            id="crpc-c", vendor_id="crpc-v", client_industry="522", service_types=["data"])]), pb.WriteResponse, lambda m: m),
        ("RecordReferrals", "record_referrals", pb.RecordReferralsRequest(referrals=[pb.Referral(
            id="crpc-r", vendor_id="crpc-v", referrer_type="institution")]), pb.WriteResponse, lambda m: m),
        ("RecordOutcomes", "record_outcomes", pb.RecordOutcomesRequest(outcomes=[pb.Outcome(
            request_id="connectrpc-1", vendor_id="crpc-v", grade=0)]), pb.WriteResponse, lambda m: m.written),
        ("GetVendor", "get_vendor", pb.GetVendorRequest(id="crpc-v"), pb.GetVendorResponse, lambda m: m),
        ("Stats", "stats", pb.StatsRequest(), pb.StatsResponse, lambda m: m.counts),
    ]
    for method, attr, request, response_type, normalise in cases:
        status, binary = wire.call(method, request, response_type)
        answers = []
        for name, client in clients.items():
            try:
                answers.append(normalise(getattr(client, attr)(request, headers=auth)))
            except ConnectError as e:
                check(False, "%s over connectrpc %s: %s %s" % (method, name, e.code, e))
        check(status.code == 0 and len(answers) == 2 and answers[0] == answers[1] == normalise(binary),
              "%s: connectrpc JSON, connectrpc proto and the binary protocol agree" % method)
    deleted = []
    for i, (name, client) in enumerate(clients.items()):
        wire.call("UpsertVendors", pb.UpsertVendorsRequest(vendors=[pb.Vendor(id="crpc-del-%d" % i, name="x")]), pb.WriteResponse)
        deleted.append(client.delete_vendor(pb.DeleteVendorRequest(id="crpc-del-%d" % i), headers=auth).deleted)
    check(deleted == [True, True], "DeleteVendor over connectrpc JSON and proto")

    errors = [
        ("invalid_argument", Code.INVALID_ARGUMENT, lambda c: c.shortlist(pb.ShortlistRequest(industry="99x"), headers=auth)),
        ("unauthenticated", Code.UNAUTHENTICATED, lambda c: c.stats(pb.StatsRequest())),
        ("not_found", Code.NOT_FOUND, lambda c: c.get_vendor(pb.GetVendorRequest(id="nobody"), headers=auth)),
        ("deadline_exceeded", Code.DEADLINE_EXCEEDED,
         lambda c: c.shortlist(q, headers={**auth, "connect-timeout-ms": "0"})),
    ]
    for name, code, call in errors:
        for codec, client in clients.items():
            try:
                call(client)
                check(False, "%s (%s): no error" % (name, codec))
            except ConnectError as e:
                check(e.code == code, "%s (%s): connectrpc raises %s (%s)" % (name, codec, e.code, e))
    wire.close()
    if failures:
        print("%d check(s) failed" % len(failures))
        return 1
    print("connectrpc interop: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
