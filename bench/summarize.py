#!/usr/bin/env python3
"""Turn a bench/run.sh results directory into the Markdown table (stdout and --out FILE).

    summarize.py RESULTS_DIR [--out FILE] [--header TEXT]

RESULTS_DIR holds files.tsv (name, shape, path, bytes on disk, uncompressed bytes, records
written by the generator), NAME.hyperfine.json, NAME.TOOL.time.txt (/usr/bin/time -v) and
NAME.acs/by_code.csv. Throughput is uncompressed MiB per median wall second; ratios are
median wall time over DuckDB's and over `wc -l`'s (above 1: slower); for a .gz input the
`wc -l` row is `gzip -dc FILE | wc -l`.
"""

import argparse
import csv
import json
import os
import re
import sys

MIB = 1024 * 1024
WARMUP = int(os.environ.get("BENCH_WARMUP", "1"))
TOOLS = [("acs-triage", "acs-triage"), ("duckdb", "duckdb"), ("wc -l", "wc")]


def parse_time_v(path):
    """Peak RSS (MiB), user + sys (s) and elapsed (s) from /usr/bin/time -v output."""
    if not os.path.exists(path):
        return None
    values = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if ": " in line:
                label, value = line.strip().rsplit(": ", 1)
                values[label] = value

    def field(prefix):
        return next((v for k, v in values.items() if k.startswith(prefix)), None)

    secs = 0.0
    for part in (field("Elapsed (wall clock) time") or "0").split(":"):
        secs = secs * 60 + float(part)
    return {
        "rss_mib": int(field("Maximum resident set size") or 0) / 1024,
        "cpu": float(field("User time") or 0) + float(field("System time") or 0),
        "elapsed": secs,
    }


def other_load(results, name):
    """Cores' worth of CPU that other processes used while hyperfine ran on this file."""
    machine = os.path.join(results, f"{name}.machine.txt")
    hf = os.path.join(results, f"{name}.hyperfine.json")
    if not (os.path.exists(machine) and os.path.exists(hf)):
        return None
    snaps = [list(map(float, line.split())) for line in open(machine) if line.strip()]
    if len(snaps) != 2:
        return None
    (busy0, _, t0), (busy1, _, t1) = snaps
    ours = 0.0
    for r in json.load(open(hf))["results"]:
        runs = len(r["times"]) + WARMUP
        ours += (r["user"] + r["system"]) * runs
    return max(0.0, (busy1 - busy0 - ours) / (t1 - t0))


def fmt_size(n):
    return f"{n / MIB / 1024:.2f} GiB" if n >= 1024 * MIB else f"{n / MIB:.0f} MiB"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("--out")
    ap.add_argument("--header", default="")
    args = ap.parse_args()

    files = []
    with open(os.path.join(args.results, "files.tsv"), encoding="utf-8") as f:
        for line in f:
            name, shape, path, size, raw, records = line.rstrip("\n").split("\t")
            files.append((name, shape, path, int(size), int(raw), int(records)))

    lines = [
        "| file | size | records | tool | median wall s | MiB/s | peak RSS MiB | (user+sys)/wall | × DuckDB | × wc -l |",
        "|---|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, shape, path, size, raw, records in files:
        hf_path = os.path.join(args.results, f"{name}.hyperfine.json")
        if not os.path.exists(hf_path):
            continue
        medians = {r["command"]: r["median"] for r in json.load(open(hf_path))["results"]}
        by_code = os.path.join(args.results, f"{name}.acs", "by_code.csv")
        records_cell = f"{records:,}"
        if os.path.exists(by_code):
            with open(by_code, newline="", encoding="utf-8-sig") as f:
                counted = sum(int(r["count"]) for r in csv.DictReader(f))
            if counted != records:
                records_cell += f" (acs-triage: {counted:,})"
        size_cell = fmt_size(size)
        if raw != size:
            size_cell += f" ({fmt_size(raw)} raw)"
        for tool, slug in TOOLS:
            if tool not in medians:
                continue
            wall = medians[tool]
            t = parse_time_v(os.path.join(args.results, f"{name}.{slug}.time.txt"))
            rss = f"{t['rss_mib']:.0f}" if t else "-"
            par = f"{t['cpu'] / t['elapsed']:.2f}" if t and t["elapsed"] > 0 else "-"
            vs_duck = f"{wall / medians['duckdb']:.2f}" if medians.get("duckdb") else "-"
            vs_wc = f"{wall / medians['wc -l']:.1f}" if medians.get("wc -l") else "-"
            shown = "gzip -dc \\| wc -l" if tool == "wc -l" and path.endswith(".gz") else tool
            lines.append(
                f"| {name} | {size_cell} | {records_cell} | {shown} | {wall:.3f} | "
                f"{raw / MIB / wall:.0f} | {rss} | {par} | {vs_duck} | {vs_wc} |"
            )
    table = "\n".join(lines) + "\n"
    others = [f"{name} {o:.2f}" for name, *_ in files if (o := other_load(args.results, name)) is not None]
    if others:
        table += (
            "\nCPU used by other processes during each file's hyperfine runs, in cores (machine busy"
            " time minus the benchmarked commands', over wall time; above ~0.1 the numbers are"
            " contended): " + ", ".join(others) + ".\n"
        )
    sys.stdout.write(table)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(args.header + table)


if __name__ == "__main__":
    main()
