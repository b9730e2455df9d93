#!/usr/bin/env python3
"""Runs a KQL query in a local engine (duckdb-kql over DuckDB) on tables loaded from CSV files,
and writes the result as CSV, for the tests of `acs-triage kql`.

usage: run_kql.py --table NAME=FILE.csv [--table ...] --query FILE.kql --out RESULT.csv
"""
import argparse
import csv
import datetime

import duckdb_kql

# The Log Analytics columns the queries read, with their types.
SCHEMAS = {
    "ACSCallAutomationMediaSummary": {
        "TimeGenerated": "TIMESTAMP", "OperationName": "VARCHAR", "ResultType": "VARCHAR",
        "ResultCode": "INTEGER", "ResultSubcode": "INTEGER", "CorrelationId": "VARCHAR",
        "OperationId": "VARCHAR", "Type": "VARCHAR", "_ResourceId": "VARCHAR",
        "RecognizePromptSubOperationName": "VARCHAR",
    },
    "ACSCallAutomationIncomingOperations": {
        "TimeGenerated": "TIMESTAMP", "OperationName": "VARCHAR", "ResultType": "VARCHAR",
        "ResultSignature": "INTEGER", "CorrelationId": "VARCHAR", "CallConnectionId": "VARCHAR",
        "OperationId": "VARCHAR", "Type": "VARCHAR", "_ResourceId": "VARCHAR",
        "SubOperationName": "VARCHAR",
    },
}


def sql_struct(d):
    return "{" + ", ".join(f"'{k}': '{v}'" for k, v in d.items()) + "}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--table", action="append", default=[])
    ap.add_argument("--query", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    con = duckdb_kql.connect()
    for spec in a.table:
        name, path = spec.split("=", 1)
        cols = SCHEMAS[name]
        # Kusto strings are never null: keep empty text empty.
        texts = "[" + ", ".join(f"'{c}'" for c, t in cols.items() if t == "VARCHAR") + "]"
        con.execute(
            f"CREATE TABLE {name} AS SELECT * FROM read_csv('{path}', header=true, "
            f"columns={sql_struct(cols)}, force_not_null={texts})"
        )
    with open(a.query, encoding="utf-8") as f:
        rel = duckdb_kql.kql(con, f.read())
    rows = rel.fetchall()

    def cell(v):
        if v is None:
            return ""
        if isinstance(v, float):
            return repr(v)
        if isinstance(v, datetime.datetime):
            return v.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        return str(v)

    with open(a.out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(rel.columns)
        for r in rows:
            w.writerow([cell(v) for v in r])


if __name__ == "__main__":
    main()
