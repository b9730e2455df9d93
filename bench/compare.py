#!/usr/bin/env python3
"""Check acs-triage's by_code.csv against DuckDB's aggregate of the same file.

    compare.py ACS_BY_CODE.csv DUCKDB.csv [LABEL]

Per (code, subcode): `count` must be equal and so must `calls` (distinct CorrelationIds);
first_seen / last_seen are compared to the millisecond and only reported (acs-triage prints
milliseconds, DuckDB microseconds). Prints OK or the differences; exits 1 on a mismatch.
"""

import csv
import sys


def load(path, count_field="count"):
    rows = {}
    with open(path, newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            key = (row["code"].strip(), row["subcode"].strip())
            if key in rows:
                raise SystemExit(f"{path}: duplicate key {key}")
            rows[key] = row
    return rows


def ms(ts):
    """'2026-11-24T23:55:14.632716Z' or '...14.632Z' -> '2026-11-24T23:55:14.632' (truncated)."""
    ts = (ts or "").strip().rstrip("Z")
    if "." in ts:
        head, frac = ts.split(".", 1)
        return f"{head}.{(frac + '000')[:3]}"
    return f"{ts}.000" if ts else ""


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    acs_path, duck_path = sys.argv[1], sys.argv[2]
    label = sys.argv[3] if len(sys.argv) > 3 else acs_path
    acs, duck = load(acs_path), load(duck_path)
    errors, notes = [], []
    for key in sorted(set(acs) | set(duck), key=lambda k: (int(k[0] or 0), int(k[1] or -1))):
        name = f"{key[0]}/{key[1]}"
        a, d = acs.get(key), duck.get(key)
        if a is None:
            errors.append(f"{name}: only in DuckDB (count {d['count']})")
            continue
        if d is None:
            errors.append(f"{name}: only in acs-triage (count {a['count']})")
            continue
        for field in ("count", "calls"):
            if int(a[field]) != int(d[field]):
                errors.append(f"{name}: {field} acs-triage {a[field]} != DuckDB {d[field]}")
        for field in ("first_seen", "last_seen"):
            if ms(a[field]) != ms(d[field]):
                notes.append(f"{name}: {field} acs-triage {a[field]} vs DuckDB {d[field]}")
    total_a = sum(int(r["count"]) for r in acs.values())
    total_d = sum(int(r["count"]) for r in duck.values())
    for note in notes[:10]:
        print(f"  note: {note}")
    if len(notes) > 10:
        print(f"  note: ... and {len(notes) - 10} more time differences")
    if errors:
        print(f"MISMATCH {label}: {len(errors)} difference(s); records acs-triage {total_a}, DuckDB {total_d}")
        for e in errors:
            print(f"  {e}")
        return 1
    print(f"OK {label}: {len(acs)} (code, subcode) keys, {total_a} records, counts and calls equal")
    return 0


if __name__ == "__main__":
    sys.exit(main())
