#!/usr/bin/env python3
"""Paraphrase pairs through the whole ranking, not just the need channel.

Each triple of a paraphrase file (`need`, `match`: the same work in other words, `mismatch`: another kind of
work in the need's words) becomes two vendors that differ only in their one case study, and a request giving
only the need. The engine ranks every request (`vendormatch eval --run-out`, with the model and need channel
given); a triple counts when the vendor with the paraphrase scores above the one with the decoy (a tie does not).

    Tools/paraphrase_ranking.py --vendormatch BIN [--triples FILE] [--need-encoder hybrid] [--model M] [--work DIR]

Prints `pairs_won N of M` and writes nothing outside --work (a temporary directory by default).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--vendormatch", required=True, help="the vendormatch binary")
    p.add_argument("--triples", default=os.path.join(root, "Tests/VendorMatchSemanticTests/Fixtures/paraphrases.jsonl"))
    p.add_argument("--need-encoder", default="hybrid", choices=["lexical", "hybrid"])
    p.add_argument("--model", help="ranking model file (default: the shipped one)")
    p.add_argument("--models", default=os.path.join(root, "Models"))
    p.add_argument("--work", help="directory for the market and run (default: a temporary one)")
    a = p.parse_args()

    triples = []
    with open(a.triples, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            t = json.loads(line)
            for field in ("id", "need", "match", "mismatch"):
                if not isinstance(t.get(field), str):
                    sys.exit(f"{a.triples}:{n}: field \"{field}\" must be a string")
            triples.append(t)

    work = a.work or tempfile.mkdtemp(prefix="paraphrase-ranking-")
    os.makedirs(work, exist_ok=True)
    with open(os.path.join(work, "vendors.jsonl"), "w") as v, open(os.path.join(work, "case_studies.jsonl"), "w") as c, \
            open(os.path.join(work, "requests.jsonl"), "w") as r, open(os.path.join(work, "qrels.txt"), "w") as q:
        open(os.path.join(work, "referrals.jsonl"), "w").close()
        for t in triples:
            for kind, text in (("m", t["match"]), ("x", t["mismatch"])):
                vid = f"{kind}-{t['id']}"
                v.write(json.dumps({"id": vid, "name": f"Vendor {vid}"}) + "\n")
                # Identical but for the need: same industry, service type and year.
                c.write(json.dumps({"id": f"cs-{vid}", "vendor_id": vid, "client_industry": "54", "service_types": ["consulting"],
                                    "need": text, "year": 2024}) + "\n")
            r.write(json.dumps({"id": f"q-{t['id']}", "need": t["need"], "k": 2 * len(triples)}) + "\n")
            q.write(f"q-{t['id']} 0 m-{t['id']} 2\n")

    run = os.path.join(work, "run.txt")
    cmd = [a.vendormatch, "eval", "--data", work, "--requests", os.path.join(work, "requests.jsonl"),
           "--qrels", os.path.join(work, "qrels.txt"), "--run-out", run, "--need-encoder", a.need_encoder,
           "--models", a.models, "--json"]
    if a.model:
        cmd += ["--model", a.model]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)

    score, rank = {}, {}
    with open(run) as f:
        for line in f:
            qid, _, vid, r, s, *_ = line.split()
            score[(qid, vid)] = float(s)
            rank[(qid, vid)] = int(r)
    # A tie (the two vendors scored alike, e.g. neither need matches at all) is not a win: the order
    # between them is then the vendor ids'.
    won = ties = above = 0
    for t in triples:
        q = f"q-{t['id']}"
        m = score.get((q, f"m-{t['id']}"), float("-inf"))
        x = score.get((q, f"x-{t['id']}"), float("-inf"))
        won += m > x
        ties += m == x
        # What a reader of the shortlist sees: the paraphrase's vendor listed first.
        above += rank.get((q, f"m-{t['id']}"), 1 << 30) < rank.get((q, f"x-{t['id']}"), 1 << 30)
    print(f"pairs_won {won} of {len(triples)} ({a.need_encoder}; {ties} ties); listed above the decoy in {above}")


if __name__ == "__main__":
    main()
