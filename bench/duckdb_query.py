#!/usr/bin/env python3
"""The DuckDB side of the benchmark: the same per-(code, subcode) aggregate acs-triage computes.

    duckdb_query.py --shape jsonl|csv|records|api|cli FILE OUT.csv

Writes OUT.csv with the header code,subcode,count,calls,first_seen,last_seen (calls = distinct
CorrelationIds), reading only the fields it needs. Each shape uses the fastest formulation found
with DuckDB 2.0 on 2 cores (64 MiB inputs; alternatives in comments):

- jsonl (also .jsonl.gz, decompressed by DuckDB from the name): read_json with
  format='newline_delimited' and explicit columns, `properties` as a STRUCT of the two keys it
  needs: about 1.2 GB/s. read_ndjson_objects + ->> extraction was ~7x slower.
- records ({"records":[...]} per line): read_ndjson_objects + one json_transform of the whole
  line + unnest. read_json(format='newline_delimited', columns={'records': 'STRUCT(...)[]'})
  was ~12x slower on these ~95 KB lines, even for a bare count(*).
- api (one query-API document): read_json with maximum_object_size raised to 2 GiB and
  tables as STRUCT("rows" VARCHAR[][])[]; JSON[] rows with ->> were ~1.4x slower, and
  read_json_objects + json_transform ~5x slower. One document is parsed by one thread.
- cli (one JSON array): read_json(format='array') with the four string columns.
- csv (portal export, BOM, en-US times): read_csv with the sniffer (explicit all-VARCHAR
  columns were slower), strptime('%m/%d/%Y, %-I:%M:%S.%g %p').

Times are parsed as TIMESTAMP (microseconds) so that DuckDB does the same parsing work as
acs-triage.
"""

import argparse
import sys

import duckdb

RECORD_FIELDS = "STRUCT(resultCode INTEGER, resultSubcode INTEGER)"

QUERIES = {
    "jsonl": f"""
        SELECT properties.resultCode AS code, properties.resultSubcode AS subcode,
               time, correlationId AS cid
        FROM read_json($file, format = 'newline_delimited',
                       columns = {{'time': 'TIMESTAMP', 'correlationId': 'VARCHAR',
                                  'properties': '{RECORD_FIELDS}'}})""",
    "records": """
        SELECT r.properties.resultCode AS code, r.properties.resultSubcode AS subcode,
               r.time AS time, r.correlationId AS cid
        FROM (SELECT unnest(json_transform(json,
                '{"records":[{"time":"TIMESTAMP","correlationId":"VARCHAR",
                  "properties":{"resultCode":"INTEGER","resultSubcode":"INTEGER"}}]}').records) AS r
              FROM read_ndjson_objects($file))""",
    "api": """
        SELECT r[8]::INTEGER AS code, r[9]::INTEGER AS subcode,
               r[2]::TIMESTAMP AS time, r[4] AS cid
        FROM (SELECT unnest(tables[1].rows) AS r
              FROM read_json($file, format = 'auto', maximum_object_size = 2147483647,
                             columns = {'tables': 'STRUCT("rows" VARCHAR[][])[]'}))""",
    "cli": """
        SELECT ResultCode::INTEGER AS code, ResultSubcode::INTEGER AS subcode,
               TimeGenerated AS time, CorrelationId AS cid
        FROM read_json($file, format = 'array',
                       columns = {'TimeGenerated': 'TIMESTAMP', 'CorrelationId': 'VARCHAR',
                                  'ResultCode': 'VARCHAR', 'ResultSubcode': 'VARCHAR'})""",
    "csv": """
        SELECT ResultCode::INTEGER AS code, ResultSubcode::INTEGER AS subcode,
               strptime("TimeGenerated [UTC]", '%m/%d/%Y, %-I:%M:%S.%g %p') AS time,
               CorrelationId AS cid
        FROM read_csv($file)""",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", required=True, choices=sorted(QUERIES))
    parser.add_argument("file")
    parser.add_argument("out")
    args = parser.parse_args()

    con = duckdb.connect()
    aggregate = f"""
        SELECT code, subcode, count(*) AS count, count(DISTINCT cid) AS calls,
               strftime(min(time), '%Y-%m-%dT%H:%M:%S.%fZ') AS first_seen,
               strftime(max(time), '%Y-%m-%dT%H:%M:%S.%fZ') AS last_seen
        FROM ({QUERIES[args.shape]})
        GROUP BY code, subcode
        ORDER BY count DESC, code, subcode"""
    # COPY cannot take a prepared parameter for the file name: materialize, then write.
    con.execute(f"CREATE TEMP TABLE result AS {aggregate}", {"file": args.file})
    con.execute("COPY result TO $out (HEADER, DELIMITER ',')".replace("$out", quote(args.out)))
    return 0


def quote(s: str) -> str:
    """A SQL string literal."""
    return "'" + s.replace("'", "''") + "'"


if __name__ == "__main__":
    sys.exit(main())
