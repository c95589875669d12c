#!/usr/bin/env python3
"""Writes a synthetic import directory for measuring `vendormatch import` throughput.

Not the demo market (that is `vendormatch demo-data`): just valid records of realistic size —
N vendors, about 7.3 case studies and 7.3 referrals per vendor, with every optional field used.

    Tools/gen-import-market.py OUT_DIR [--vendors 3000] [--seed 1]
"""
import argparse
import json
import os
import random

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORDS = ("data platform migration customer churn forecasting inventory cloud security audit compliance "
         "onboarding analytics pipeline latency mobile checkout payments fraud detection warehouse "
         "logistics routing pricing marketing attribution reporting dashboards legacy modernisation").split()
REGIONS = ["DE", "US", "GB", "FR", "CN", "JP", "IN", "BR", "CA", "NL", "SE", "PL"]
LANGUAGES = ["en", "de", "fr", "zh", "ja", "es", "pt", "nl", "sv", "pl"]
SIZES = ["1-9", "10-49", "50-249", "250-999", "1000-9999", "10000+"]
TYPES = ["past_client", "buyer_partner", "buyer_internal", "institution", "personal_network", "prior_employer"]


def codes(name):
    rows = []
    with open(os.path.join(ROOT, "Models", "taxonomy", name)) as f:
        next(f)
        for line in f:
            code, parent, _ = line.rstrip("\n").split("\t")
            rows.append((code, parent))
    return rows


def text(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--vendors", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    industries = [c for c, p in codes("industries-naics.tsv") if p != "-"]
    services = [c for c, _ in codes("service-types.tsv")]
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "vendors.jsonl"), "w") as vf, \
         open(os.path.join(a.out, "case_studies.jsonl"), "w") as cf, \
         open(os.path.join(a.out, "referrals.jsonl"), "w") as rf:
        c_id = r_id = 0
        for i in range(a.vendors):
            vid = f"v{i:06d}"
            low = rng.randint(40, 150)
            vf.write(json.dumps({
                "id": vid, "name": f"Vendor {i} GmbH", "size": rng.choice(SIZES),
                "industries": rng.sample(industries, 3), "service_types": rng.sample(services, 4),
                "description": text(rng, 40), "regions": rng.sample(REGIONS, 3), "languages": rng.sample(LANGUAGES, 2),
                "certifications": ["ISO 9001"] if rng.random() < 0.3 else [],
                "min_project_usd": rng.choice([5000, 10000, 25000, 50000]), "hourly_rate_usd": [low, low + 60],
                "founded": rng.randint(1980, 2023),
            }) + "\n")
            for _ in range(rng.choice([0, 4, 6, 7, 8, 9, 10, 14])):
                c_id += 1
                cf.write(json.dumps({
                    "id": f"c{c_id:07d}", "vendor_id": vid, "client_industry": rng.choice(industries),
                    "service_types": rng.sample(services, 2), "client_name": f"Client {rng.randint(1, 99999)}",
                    "client_size": rng.choice(SIZES), "need": text(rng, 25), "outcome": text(rng, 15),
                    "year": rng.randint(2012, 2025), "top_client": rng.random() < 0.1, "verified": rng.random() < 0.5,
                    "evaluation": {"responsiveness": round(rng.uniform(1, 5), 1), "expertise": round(rng.uniform(1, 5), 1),
                                   "would_recommend": rng.randint(0, 10)},
                    "client_org": f"org{rng.randint(1, 20000)}",
                }) + "\n")
            for _ in range(rng.choice([0, 4, 6, 7, 8, 9, 10, 14])):
                r_id += 1
                t = rng.choice(TYPES)
                rec = {"id": f"r{r_id:07d}", "vendor_id": vid, "referrer_type": t, "referrer_org": f"org{rng.randint(1, 20000)}",
                       "strength": rng.choice([1.0, 0.8, 0.5, -0.5]), "date": f"20{rng.randint(15, 25)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"}
                if t not in ("past_client", "institution") or rng.random() < 0.2:
                    rec["buyer_org"] = f"buyer{rng.randint(1, 500)}"
                rf.write(json.dumps(rec) + "\n")
    print(f"{a.vendors} vendors, {c_id} case studies, {r_id} referrals in {a.out}")


if __name__ == "__main__":
    main()
