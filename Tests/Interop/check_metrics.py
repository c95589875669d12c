#!/usr/bin/env python3
"""Cross-checks `vendormatch eval` against pytrec_eval (trec_eval 9) and ranx.

Usage: check_metrics.py VENDORMATCH_BINARY

A seeded run + qrels over 240 requests exercise the conventions of CONTRACT §3:
  * score ties (scores rounded to one decimal) and near-ties that only single precision merges
    (trec_eval stores scores as C float): trec_eval orders by score descending, ties by docno descending;
  * requests whose judgements hold no relevant vendor (skipped and counted);
  * a judged request missing from the run (scores 0), and run requests without judgements (ignored);
  * unjudged retrieved vendors, grades 0/1/2, fewer than k results.

What is compared, to 1e-9 (every metric at k = 1, 5, 10, 20, averaged over the requests with a relevant
vendor, a judged request missing from the run counting 0):
  * pytrec_eval on the raw run: ndcg_cut_k, map_cut_k, recall_k, P_k; MRR@k is pytrec_eval's recip_rank
    (which has no cut) on the run truncated to its first k vendors in trec_eval order.
  * ranx (ndcg@k with linear gain, map@k, mrr@k, recall@k, precision@k) on the same run with its ties
    already broken the trec_eval way (scores replaced by strictly decreasing ones), because ranx breaks
    ties differently (its own sort, not docno descending): on the raw run ranx differs on the tied
    requests, which the script reports but does not fail on.
It also checks the paired t-test p-value of `eval --compare` against scipy.stats.ttest_rel; that malformed
run and qrels lines exit 2 naming the file and line; on a small demo market, that `eval --requests` reports
and skips qrels of unknown requests, that its --run-out file has strictly decreasing scores (distinct in single
precision) and scores the same when evaluated as a file; and that `train` writes a version-1 model whose
training-data SHA-256 matches hashlib's.
"""
import json
import os
import random
import subprocess
import sys
import tempfile

import numpy as np
import pytrec_eval
import scipy.stats
from ranx import Qrels, Run, evaluate

CUTS = [1, 5, 10, 20]
TOL = 1e-9


def generate(seed):
    rng = random.Random(seed)
    vendors = [f"v{i:03d}" for i in range(150)] + [f"V{i:02d}" for i in range(10)] + ["a-1", "b_2", "Z"]
    qrels, run = {}, {}
    for q in range(240):
        qid = f"req-{q:03d}"
        judged = rng.sample(vendors, rng.randint(1, 14))
        grades = {}
        no_relevant = q % 17 == 3
        for v in judged:
            grades[v] = 0 if no_relevant else rng.choice([0, 0, 1, 1, 2])
        qrels[qid] = grades
        if q == 5:
            continue  # judged but missing from the run
        retrieved = rng.sample(vendors, rng.randint(3, 30))
        scores = {}
        for v in retrieved:
            if q % 3 == 0:
                scores[v] = round(rng.random(), 1)  # many exact ties
            elif q % 3 == 1:
                scores[v] = rng.choice([1.0, 1.0 + 1e-9, 1.0 + 2e-8, 0.5, 0.5 + 1e-10])  # ties only in single precision
            else:
                scores[v] = rng.uniform(-3, 12)
        run[qid] = scores
    for q in range(3):  # run requests without judgements
        run[f"extra-{q}"] = {v: rng.random() for v in rng.sample(vendors, 5)}
    return qrels, run


def write_files(directory, qrels, run):
    qpath, rpath = os.path.join(directory, "qrels.txt"), os.path.join(directory, "run.txt")
    with open(qpath, "w") as f:
        for qid, grades in qrels.items():
            for v, g in grades.items():
                f.write(f"{qid} 0 {v} {g}\n")
    with open(rpath, "w") as f:
        for qid, scores in run.items():
            # file order deliberately not score order: the rank column is ignored by trec_eval
            for rank, (v, s) in enumerate(scores.items(), start=1):
                f.write(f"{qid} Q0 {v} {rank} {s!r} test\n")
    return qpath, rpath


def trec_order(scores):
    """trec_eval's comp_sim_docno: float32 score descending, then docno descending (byte order)."""
    items = sorted(scores.items(), key=lambda kv: kv[0].encode(), reverse=True)
    return sorted(items, key=lambda kv: -np.float32(kv[1]))


def reference_pytrec(qrels, run, evaluated):
    measures = {f"ndcg_cut.{','.join(map(str, CUTS))}", f"map_cut.{','.join(map(str, CUTS))}",
                f"recall.{','.join(map(str, CUTS))}", f"P.{','.join(map(str, CUTS))}"}
    ev = pytrec_eval.RelevanceEvaluator(qrels, measures)
    per = ev.evaluate(run)
    mrr_ev = pytrec_eval.RelevanceEvaluator(qrels, {"recip_rank"})
    out = {}
    for k in CUTS:
        truncated = {q: dict(trec_order(s)[:k]) for q, s in run.items()}
        mrr = mrr_ev.evaluate(truncated)
        for name, key in [("ndcg", f"ndcg_cut_{k}"), ("map", f"map_cut_{k}"), ("recall", f"recall_{k}"), ("p", f"P_{k}")]:
            out[f"{name}@{k}"] = sum(per.get(q, {}).get(key, 0.0) for q in evaluated) / len(evaluated)
        out[f"mrr@{k}"] = sum(mrr.get(q, {}).get("recip_rank", 0.0) for q in evaluated) / len(evaluated)
    return out


def reference_ranx(qrels, run, evaluated, break_ties):
    rq = Qrels({q: qrels[q] for q in evaluated})
    rr = {}
    for q in evaluated:
        scores = run.get(q, {})
        if break_ties:
            ordered = trec_order(scores)
            scores = {v: float(len(ordered) - i) for i, (v, _) in enumerate(ordered)}
        rr[q] = scores if scores else {"__none__": 0.0}  # ranx needs a non-empty ranking per query
    metrics = [f"{m}@{k}" for k in CUTS for m in ("ndcg", "map", "mrr", "recall", "precision")]
    res = evaluate(rq, Run(rr), metrics, return_mean=False)
    out = {}
    for m, values in res.items():
        out[m.replace("precision", "p")] = float(np.mean(values))
    return out, res


def main():
    binary = sys.argv[1]
    qrels, run = generate(20261123)
    evaluated = sorted(q for q, g in qrels.items() if any(x >= 1 for x in g.values()))
    skipped = len(qrels) - len(evaluated)
    failures = []
    with tempfile.TemporaryDirectory() as d:
        qpath, rpath = write_files(d, qrels, run)
        proc = subprocess.run([binary, "eval", "--run", rpath, "--qrels", qpath, "--k", ",".join(map(str, CUTS)), "--json"],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            print(proc.stderr)
            sys.exit(f"vendormatch eval exited {proc.returncode}")
        ours = json.loads(proc.stdout)
        if ours["requests"] != len(evaluated) or ours["skipped"] != skipped:
            failures.append(f"counts: ours requests={ours['requests']} skipped={ours['skipped']}, expected {len(evaluated)}/{skipped}")
        expected_keys = {f"{m}@{k}" for k in CUTS for m in ("ndcg", "map", "mrr", "recall", "p")}
        if set(ours["metrics"]) != expected_keys:
            failures.append(f"metric keys: {sorted(ours['metrics'])}")

        ref = reference_pytrec(qrels, run, evaluated)
        for key, value in ref.items():
            if abs(ours["metrics"].get(key, float("nan")) - value) > TOL:
                failures.append(f"pytrec_eval {key}: ours {ours['metrics'].get(key)} reference {value}")
        ranx_ref, _ = reference_ranx(qrels, run, evaluated, break_ties=True)
        for key, value in ranx_ref.items():
            if abs(ours["metrics"].get(key, float("nan")) - value) > TOL:
                failures.append(f"ranx {key}: ours {ours['metrics'].get(key)} reference {value}")
        raw_ranx, _ = reference_ranx(qrels, run, evaluated, break_ties=False)
        differing = [k for k, v in raw_ranx.items() if abs(v - ours["metrics"][k]) > TOL]
        print(f"note: ranx on the raw run (its own tie order) differs on {len(differing)} of {len(raw_ranx)} metrics, e.g. "
              + ", ".join(f"{k} {raw_ranx[k]:.6f} vs {ours['metrics'][k]:.6f}" for k in differing[:3]))

        # Paired t-test of --compare against scipy (run B = run A with scores perturbed).
        rng = random.Random(7)
        run_b = {q: {v: s + rng.gauss(0, 2) for v, s in scores.items()} for q, scores in run.items()}
        qpath_b = os.path.join(d, "b")
        os.mkdir(qpath_b)
        _, rpath_b = write_files(qpath_b, qrels, run_b)
        proc = subprocess.run([binary, "eval", "--compare", rpath, rpath_b, "--qrels", qpath, "--k", "10", "--json"],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit(f"vendormatch eval --compare exited {proc.returncode}: {proc.stderr}")
        cmp = json.loads(proc.stdout)["comparisons"]["ndcg@10"]
        ev = pytrec_eval.RelevanceEvaluator(qrels, {"ndcg_cut.10"})
        pa, pb = ev.evaluate(run), ev.evaluate(run_b)
        a = [pa.get(q, {}).get("ndcg_cut_10", 0.0) for q in evaluated]
        b = [pb.get(q, {}).get("ndcg_cut_10", 0.0) for q in evaluated]
        t = scipy.stats.ttest_rel(b, a)
        if abs(cmp["t_test_p"] - t.pvalue) > 1e-9 or abs(cmp["mean_difference"] - (np.mean(b) - np.mean(a))) > TOL:
            failures.append(f"--compare: ours p={cmp['t_test_p']} diff={cmp['mean_difference']}, scipy p={t.pvalue}")
        wins = sum(1 for x, y in zip(a, b) if y - x > 1e-12)
        if cmp["wins"] != wins:
            failures.append(f"--compare wins {cmp['wins']} != {wins}")

        # Engine mode on a small demo market: qrels of a request not in the request file are reported and
        # skipped; the run written with --run-out scores the same as the in-process evaluation.
        market = os.path.join(d, "market")
        subprocess.run([binary, "demo-data", "--out", market, "--vendors", "200", "--requests", "40", "--seed", "3"],
                       check=True, capture_output=True)
        mq = os.path.join(market, "qrels.txt")
        with open(mq, "a") as f:
            f.write("not-a-request 0 v00001 2\n")
        run_out = os.path.join(d, "engine.run")
        proc = subprocess.run([binary, "eval", "--data", market, "--requests", os.path.join(market, "requests.jsonl"),
                               "--qrels", mq, "--run-out", run_out, "--json"], capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit(f"eval --requests exited {proc.returncode}: {proc.stderr}")
        engine = json.loads(proc.stdout)
        if "not-a-request" not in proc.stderr or engine["skipped"] < 1:
            failures.append(f"unknown qrels request not reported/skipped: {proc.stderr!r} {engine}")
        proc = subprocess.run([binary, "eval", "--run", run_out, "--requests", os.path.join(market, "requests.jsonl"),
                               "--qrels", mq, "--json"], capture_output=True, text=True)
        from_file = json.loads(proc.stdout)
        if from_file != engine:
            failures.append(f"--run-out file scores differently: {from_file} vs {engine}")
        engine_run = {}
        with open(run_out) as f:
            for line in f:
                q, _, v, rank, score, _ = line.split()
                engine_run.setdefault(q, []).append((int(rank), float(score)))
        for q, rows in engine_run.items():
            scores = [s for _, s in sorted(rows)]
            if any(np.float32(a) <= np.float32(b) for a, b in zip(scores, scores[1:])):
                failures.append(f"--run-out scores of {q} do not strictly decrease: {scores}")
                break

        # train: the model file records the SHA-256 of the training files (checked with hashlib).
        model_path = os.path.join(d, "model.json")
        proc = subprocess.run([binary, "train", "--data", market, "--requests", os.path.join(market, "requests.jsonl"),
                               "--qrels", mq, "--folds", "2", "--restarts", "1", "--pool", "30", "--out", model_path],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit(f"train exited {proc.returncode}: {proc.stderr}")
        with open(model_path) as f:
            model = json.load(f)
        import hashlib
        with open(os.path.join(market, "requests.jsonl"), "rb") as f:
            req_bytes = f.read()
        with open(mq, "rb") as f:
            qrels_bytes = f.read()
        meta = model["metadata"]
        if (meta.get("training.requests_sha256") != hashlib.sha256(req_bytes).hexdigest()
                or meta.get("training.data_sha256") != hashlib.sha256(req_bytes + qrels_bytes).hexdigest()
                or "cv.ndcg@10.test" not in meta or model.get("version") != 1
                or set(model["weights"]) != {"industry", "size", "need", "service", "trust", "quality"}):
            failures.append(f"trained model file: {json.dumps(model)[:400]}")
        proc = subprocess.run([binary, "eval", "--data", market, "--requests", os.path.join(market, "requests.jsonl"),
                               "--qrels", mq, "--model", model_path, "--json"], capture_output=True, text=True)
        if proc.returncode != 0:
            failures.append(f"eval --model with the trained model exited {proc.returncode}: {proc.stderr}")

        # Malformed input: exit 2, file and line named.
        bad = os.path.join(d, "bad.txt")
        with open(bad, "w") as f:
            f.write("req-000 Q0 v001 1 0.5 test\nreq-000 Q0 v002 2 zero test\n")
        proc = subprocess.run([binary, "eval", "--run", bad, "--qrels", qpath], capture_output=True, text=True)
        if proc.returncode != 2 or f"{bad}:2" not in proc.stderr:
            failures.append(f"malformed run: exit {proc.returncode}, stderr {proc.stderr!r}")
        with open(bad, "w") as f:
            f.write("req-000 0 v001 1\nreq-000 0 v002 1.5\n")
        proc = subprocess.run([binary, "eval", "--run", rpath, "--qrels", bad], capture_output=True, text=True)
        if proc.returncode != 2 or f"{bad}:2" not in proc.stderr:
            failures.append(f"malformed qrels: exit {proc.returncode}, stderr {proc.stderr!r}")

    if failures:
        print("\n".join(failures))
        sys.exit(f"{len(failures)} disagreements")
    print(f"ok: {len(expected_keys)} metrics over {len(evaluated)} requests ({skipped} skipped) agree with pytrec_eval and ranx "
          f"to {TOL}; --compare t-test p agrees with scipy ({cmp['t_test_p']:.6g})")


if __name__ == "__main__":
    main()
