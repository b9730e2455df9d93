#!/usr/bin/env python3
"""Runs a KQL query in a local engine (duckdb-kql over DuckDB) on tables loaded from CSV files,
and writes the result as CSV, for the tests of `acs-triage kql`.

usage: run_kql.py --table NAME=FILE.csv [--table ...] --query FILE.kql --out RESULT.csv
"""
import argparse
import csv
import datetime

import duckdb_kql
from duckdb_kql.translate import functions as kql_functions

# Kusto's beta_cdf(x, a, b), the regularized incomplete beta I_x(a, b), which duckdb-kql 1.1.2
# does not know: mapped to a DuckDB macro. The spike query calls it with whole a and b, where
# I_x(a, b) = P(Binomial(a + b - 1, x) >= a): the sum of its terms, each in log space.
kql_functions.SCALAR_FUNCTIONS["beta_cdf"] = kql_functions._f(
    "beta_cdf", "native", "beta_cdf({0}, {1}, {2})", (3,)
)
BETA_CDF = """CREATE MACRO beta_cdf(x, a, b) AS (
  SELECT coalesce(sum(exp(lgamma(a + b) - lgamma(i + 1) - lgamma(a + b - i)
                          + i * ln(x) + (a + b - 1 - i) * ln(1 - x))), 0)
  FROM range(CAST(a AS BIGINT), CAST(a + b AS BIGINT)) t(i))"""

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
    con.execute(BETA_CDF)
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
