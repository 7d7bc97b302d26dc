#!/usr/bin/env python3
"""Review speed: kaiji review and kaiji compare against a Python baseline that does the same
work the straightforward way (json.load every file, then a per-item lookup in the policy's rules
and the GL mapping), in one run on the same files. Not a test: it prints figures for the README.

    bench/review/run.sh          # builds kaiji in release mode, then runs this

Workloads (generated from examples/pacs-mds-5.0h.kaiji.json with answers varied at random):
  review   10,000 disclosures reviewed against gl6-baseline (JSON output)
  compare  a 200-vendor comparison (JSON output)
Each timing is the best of REPEAT whole-process runs.
"""
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
KAIJI = os.path.join(TARGET, "release", "kaiji")
REPEAT = int(os.environ.get("REPEAT", "3"))
TODAY = "2026-11-27"


def generate(directory, count):
    with open(os.path.join(ROOT, "examples", "pacs-mds-5.0h.kaiji.json"), encoding="utf-8") as f:
        base = json.load(f)
    rng = random.Random(7)
    paths = []
    for i in range(count):
        doc = json.loads(json.dumps(base))
        doc["subject"]["organisation"] = f"ベンダー{i:05d}株式会社"
        doc["subject"]["product"] = f"Product {i}"
        for entry in doc["answers"].values():
            r = rng.random()
            if r < 0.08:
                entry["answer"] = "no"
                if rng.random() < 0.5:
                    entry["remark"] = ""
            elif r < 0.12:
                entry["answer"] = "na"
        path = os.path.join(directory, f"d{i:05d}.kaiji.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False)
        paths.append(path)
    return paths


BASELINE = r'''
import json, sys, yaml
root, mode, files = sys.argv[1], sys.argv[2], sys.argv[3:]
policy = yaml.safe_load(open(root + "/catalogs/policy-gl6-baseline.yaml", encoding="utf-8"))
mapping = yaml.safe_load(open(root + "/catalogs/map-jahis-mds-sds-5.0h-gl6.yaml", encoding="utf-8"))
catalog = yaml.safe_load(open(root + "/catalogs/jahis-mds-sds-5.0h.yaml", encoding="utf-8"))
refs = {}
for e in mapping["entries"]:
    for i in e["from"]:
        refs.setdefault(i, []).extend(e["to"])
items = [(s["id"], it["id"], it["forms"]) for s in catalog["sections"] for it in s["items"]]
def under(ref, sel):
    return sel == "*" or ref == sel or (ref.startswith(sel) and ref[len(sel)] in " .") or (ref.startswith(sel) and "\u2460" <= ref[len(sel)] <= "\u24ff")
def rule_for(item):
    for rule in reversed(policy["rules"]):
        sel = rule["select"]
        if "*" in sel.get("items", []) or item in sel.get("items", []):
            return rule
        if any(under(r, g) for g in sel.get("gl", []) for r in refs.get(item, [])):
            return rule
    return None
out = []
matrix = {}
for path in files:
    doc = json.load(open(path, encoding="utf-8"))
    form = doc["kind"]
    findings, met, total = [], 0, 0
    for section, item, forms in items:
        if form not in forms:
            continue
        rule = rule_for(item)
        if rule is None:
            continue
        entry = doc["answers"].get(item)
        answer = entry and entry.get("answer")
        if answer is None:
            continue
        weight = rule.get("weight", 1)
        total += weight
        if answer in rule["require"] or (answer in rule.get("justify", []) and entry["remark"].strip()):
            met += weight
        elif answer in rule.get("justify", []):
            findings.append({"code": "remark-missing-justification", "item": item, "refs": refs.get(item, [])})
        else:
            findings.append({"code": "policy-violation", "item": item, "refs": refs.get(item, [])})
        if mode == "compare":
            matrix.setdefault(item, []).append(answer)
    out.append({"file": path, "findings": findings, "score": [met, total]})
json.dump(matrix if mode == "compare" else out, sys.stdout)
'''


def best(cmd):
    times = []
    for _ in range(REPEAT):
        t = time.perf_counter()
        done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - t)
        if done.returncode not in (0, 1):
            sys.exit(f"{cmd[0]} failed ({done.returncode}): {done.stderr.decode()[:500]}")
    return min(times)


def measure(name, kaiji_cmd, baseline_cmd):
    k = best(kaiji_cmd)
    b = best(baseline_cmd)
    print(f"{name:<34} kaiji {k*1000:8.1f} ms   python baseline {b*1000:8.1f} ms   baseline/kaiji {b/k:5.1f}x")


def main():
    if not os.path.exists(KAIJI):
        sys.exit(f"{KAIJI} is missing: run bench/review/run.sh")
    work = tempfile.mkdtemp(prefix="kaiji-bench-review-")
    try:
        files = generate(work, 10_000)
        vendors = files[:200]
        print(f"cores: {os.cpu_count()}, best of {REPEAT} runs each")
        measure(
            "review 10,000 (gl6-baseline)",
            [KAIJI, "review", "--policy", "gl6-baseline", "--today", TODAY, "--format", "json", *files],
            [sys.executable, "-c", BASELINE, ROOT, "review", *files],
        )
        measure(
            "review 10,000, one core",
            ["taskset", "-c", "0", KAIJI, "review", "--policy", "gl6-baseline", "--today", TODAY, "--format", "json", *files],
            [sys.executable, "-c", BASELINE, ROOT, "review", *files],
        )
        measure(
            "compare 200 vendors",
            [KAIJI, "compare", "--policy", "gl6-baseline", "--today", TODAY, "--format", "json", *vendors],
            [sys.executable, "-c", BASELINE, ROOT, "compare", *vendors],
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
