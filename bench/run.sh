#!/usr/bin/env bash
# Throughput benchmark: acs-triage vs DuckDB vs `wc -l` on synthetic exports of every big shape.
#
#   bench/run.sh                      # full: 1 GiB + 4 GiB JSON Lines, 1 GiB CSV, 256 MiB others,
#                                     # and the 1 GiB JSON Lines cut into 256 files in a directory
#   BENCH_SCALE=small bench/run.sh    # smoke test: 64 MiB / 128 MiB / 32 MiB
#
# Environment:
#   BENCH_DIR     work directory for inputs and raw results (default /tmp/acs-bench)
#   BENCH_SCALE   full | small (default full)
#   BENCH_RUNS    hyperfine --runs (default 3);  BENCH_WARMUP  --warmup (default 1)
#   BENCH_ONLY    space-separated subset of file names, e.g. "jsonl-1g csv-1g"
#   BENCH_SEED    generator seed (default 42); BENCH_REGEN=1 regenerates existing inputs
#   BENCH_WAIT_IDLE  seconds to wait, before each file, for the machine to be idle (less than
#                 10% CPU busy for 5 s in a row; default 0: don't wait). On a shared 2-core
#                 machine a concurrent build halves the numbers; results.md records the load.
#   CARGO_TARGET_DIR  default $HOME/.cache/acs-triage-target (as .ci/run)
#   ACS_TRIAGE_BIN    benchmark this acs-triage binary instead of building the work tree's
#                     (e.g. a build of another commit, to compare before and after)
#
# Installs what is missing: hyperfine and GNU time (Debian packages, as root), DuckDB (pip, in
# bench/.venv). Builds the release binary and examples/gen.rs, generates the inputs (skipped
# when an input with the same parameters exists), runs hyperfine per file, one /usr/bin/time -v
# run per tool, checks acs-triage's by_code.csv against DuckDB per (code, subcode), and writes
# the Markdown table to bench/results.md. Warm page cache: every input fits in memory and
# hyperfine's warm-up run reads it first. Exits 1 when a check fails.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
BENCH_DIR="${BENCH_DIR:-/tmp/acs-bench}"
BENCH_SCALE="${BENCH_SCALE:-full}"
BENCH_RUNS="${BENCH_RUNS:-3}"
BENCH_WARMUP="${BENCH_WARMUP:-1}"
BENCH_ONLY="${BENCH_ONLY:-}"
BENCH_SEED="${BENCH_SEED:-42}"
BENCH_REGEN="${BENCH_REGEN:-0}"
BENCH_WAIT_IDLE="${BENCH_WAIT_IDLE:-0}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/acs-triage-target}"
VENV="$HERE/.venv"

log() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'bench/run.sh: %s\n' "$*" >&2; exit 1; }
# Quote a command for hyperfine, which splits it like a POSIX shell (--shell=none: no shell
# start-up in the timings, which matters for wc -l).
shq() { printf '%q ' "$@"; }

case "$BENCH_SCALE" in
  full) BIG=1024 HUGE=4096 MID=256 ;;
  small) BIG=64 HUGE=128 MID=32 ;;
  *) die "BENCH_SCALE must be full or small, not '$BENCH_SCALE'" ;;
esac
# Busy and total CPU seconds of the whole machine since boot, and the wall clock.
cpu_busy() {
  awk -v hz="$(getconf CLK_TCK)" -v now="$(date +%s.%N)" \
    '/^cpu / {printf "%.2f %.2f %s\n", ($2+$3+$4+$7+$8)/hz, ($2+$3+$4+$5+$6+$7+$8)/hz, now}' /proc/stat
}
# Wait up to $1 seconds until the CPUs are less than 10% busy for 5 consecutive seconds.
wait_idle() {
  local deadline=$((SECONDS + $1)) calm=0 a b
  while ((calm < 5)); do
    if ((SECONDS >= deadline)); then
      echo "machine still busy after $1 s; measuring anyway (load: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
      return 0
    fi
    a=$(cpu_busy)
    sleep 1
    b=$(cpu_busy)
    if awk -v a="$a" -v b="$b" 'BEGIN {split(a, x, " "); split(b, y, " "); exit !((y[1] - x[1]) < 0.1 * (y[2] - x[2]))}'; then
      calm=$((calm + 1))
    else
      calm=0
    fi
  done
}
label() { if (($1 >= 1024)); then echo "$(($1 / 1024))g"; else echo "${1}m"; fi; }

# Files the 1 GiB JSON Lines input is cut into for the many-files run (a storage archive is a
# tree of hourly PT1H.json blobs).
SPLIT_FILES=256

# name  generator-shape  MiB (uncompressed)  gz?  extension  duckdb-shape
# (generator-shape "split": the JSON Lines input of that size cut into $SPLIT_FILES files of a
# directory, named NAME.d)
SPECS=(
  "jsonl-$(label "$BIG") jsonl $BIG no jsonl jsonl"
  "jsonl-$(label "$HUGE") jsonl $HUGE no jsonl jsonl"
  "csv-$(label "$BIG") csv $BIG no csv csv"
  "jsonl-gz-$(label "$MID") jsonl $MID yes jsonl.gz jsonl"
  "records-$(label "$MID") records $MID no json records"
  "api-$(label "$MID") api $MID no json api"
  "cli-$(label "$MID") cli $MID no json cli"
  "jsonl-$(label "$BIG")-${SPLIT_FILES}files split $BIG no d jsonl"
)
if [[ -n "$BENCH_ONLY" ]]; then
  selected=()
  for spec in "${SPECS[@]}"; do
    read -r name _ <<<"$spec"
    [[ " $BENCH_ONLY " == *" $name "* ]] && selected+=("$spec")
  done
  ((${#selected[@]})) || die "BENCH_ONLY='$BENCH_ONLY' matches none of: $(for s in "${SPECS[@]}"; do printf '%s ' "${s%% *}"; done)"
  SPECS=("${selected[@]}")
fi

# --- tools ---------------------------------------------------------------------------------
log "tools"
missing=()
command -v hyperfine >/dev/null 2>&1 || missing+=(hyperfine)
[[ -x /usr/bin/time ]] || missing+=(time)
if ((${#missing[@]})); then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    die "missing ${missing[*]}; install with: sudo apt-get update && sudo apt-get install -y ${missing[*]}"
  fi
fi
command -v cargo >/dev/null 2>&1 || die "cargo not found: install a Rust toolchain (rustup) first"
command -v python3 >/dev/null 2>&1 || die "python3 not found: apt-get install -y python3 python3-venv"
if ! "$VENV/bin/python" -c 'import duckdb' >/dev/null 2>&1; then
  python3 -m venv "$VENV" || die "python3 -m venv failed; install with: apt-get install -y python3-venv"
  "$VENV/bin/python" -m pip install --quiet duckdb || die "pip install duckdb failed"
fi
PY="$VENV/bin/python"
echo "hyperfine $(hyperfine --version | awk '{print $2}'), duckdb $("$PY" -c 'import duckdb; print(duckdb.__version__)'), $(cargo --version)" >&2

if [[ -n "${ACS_TRIAGE_BIN:-}" ]]; then
  log "build examples/gen.rs (CARGO_TARGET_DIR=$CARGO_TARGET_DIR); acs-triage: $ACS_TRIAGE_BIN"
  (cd "$ROOT" && cargo build --release --quiet --example gen)
  BIN="$ACS_TRIAGE_BIN"
else
  log "build (release binary and examples/gen.rs; CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
  (cd "$ROOT" && cargo build --release --quiet --bin acs-triage && cargo build --release --quiet --example gen)
  BIN="$CARGO_TARGET_DIR/release/acs-triage"
fi
GEN="$CARGO_TARGET_DIR/release/examples/gen"
[[ -x "$BIN" && -x "$GEN" ]] || die "build did not produce $BIN and $GEN"

# --- inputs --------------------------------------------------------------------------------
mkdir -p "$BENCH_DIR"
RESULTS="$BENCH_DIR/results-$BENCH_SCALE"
rm -rf "$RESULTS"
mkdir -p "$RESULTS"
gen_hash="$(sha256sum "$ROOT/examples/gen.rs" | cut -c1-16)"

need_mib=1024  # reports, DuckDB temp files, margin
for spec in "${SPECS[@]}"; do
  read -r name shape mib gz ext _ <<<"$spec"
  path="$BENCH_DIR/$name.$ext"
  need_mib=$((need_mib + mib))
  [[ -f "$path" ]] && need_mib=$((need_mib - $(stat -c %s "$path") / 1048576))
done
avail_mib=$(($(df -Pk "$BENCH_DIR" | awk 'NR == 2 {print $4}') / 1024))
if ((avail_mib < need_mib)); then
  die "not enough disk space in $BENCH_DIR: ${avail_mib} MiB free, about ${need_mib} MiB needed (set BENCH_DIR elsewhere, or BENCH_SCALE=small)"
fi
echo "disk: ${avail_mib} MiB free in $BENCH_DIR, about ${need_mib} MiB needed" >&2

log "generate inputs in $BENCH_DIR"
: >"$RESULTS/files.tsv"
for spec in "${SPECS[@]}"; do
  read -r name shape mib gz ext dshape <<<"$spec"
  path="$BENCH_DIR/$name.$ext"
  want="shape=$shape mib=$mib gz=$gz seed=$BENCH_SEED gen=$gen_hash"
  if [[ "$shape" == split ]]; then
    src="$BENCH_DIR/jsonl-$(label "$mib").jsonl"
    [[ -f "$src.meta" ]] || die "$name is cut from $src: generate it first (BENCH_ONLY=\"jsonl-$(label "$mib") $name\")"
    want="split=$SPLIT_FILES $(head -n1 "$src.meta")"
    if [[ "$BENCH_REGEN" != 1 && -d "$path" && -f "$path.meta" ]] && [[ "$(head -n1 "$path.meta")" == "$want" ]]; then
      echo "$name: exists" >&2
    else
      rm -rf "$path"
      mkdir -p "$path"
      (cd "$path" && split -n "l/$SPLIT_FILES" -d -a 4 --additional-suffix=.json "$src" PT1H-)
      printf '%s\n%s\n' "$want" "$(tail -n1 "$src.meta")" >"$path.meta"
      echo "$name: cut $src into $SPLIT_FILES files" >&2
    fi
  elif [[ "$BENCH_REGEN" != 1 && -f "$path" && -f "$path.meta" ]] && [[ "$(head -n1 "$path.meta")" == "$want" ]]; then
    echo "$name: exists ($(tail -n1 "$path.meta"))" >&2
  else
    args=(--shape "$shape" --mib "$mib" --out "$path" --seed "$BENCH_SEED")
    [[ "$gz" == yes ]] && args+=(--gz)
    start=$SECONDS
    stats="$("$GEN" "${args[@]}" 2>&1)" || die "generator failed for $name: $stats"
    printf '%s\n%s\n' "$want" "$stats" >"$path.meta"
    echo "$name: generated in $((SECONDS - start)) s ($stats)" >&2
  fi
  stats="$(tail -n1 "$path.meta")"
  records="${stats#records=}"; records="${records%% *}"
  raw="${stats##*bytes=}"
  size="$(find "$path" -type f -printf '%s\n' | awk '{s += $1} END {printf "%.0f\n", s}')"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$dshape" "$path" "$size" "$raw" "$records" >>"$RESULTS/files.tsv"
done

# --- benchmark -----------------------------------------------------------------------------
checks=()
failed=0
for spec in "${SPECS[@]}"; do
  read -r name shape mib gz ext dshape <<<"$spec"
  path="$BENCH_DIR/$name.$ext"
  acs_out="$RESULTS/$name.acs"
  duck_out="$RESULTS/$name.duckdb.csv"
  acs_cmd=("$BIN" report "$path" --out "$acs_out" --format csv --quiet)
  duck_cmd=("$PY" "$HERE/duckdb_query.py" --shape "$dshape" "$path" "$duck_out")
  wc_cmd=(wc -l "$path")
  # For a gzipped input the floor is decompressing it: gzip -dc | wc -l (still named "wc -l").
  [[ "$gz" == yes ]] && wc_cmd=(bash -c 'gzip -dc -- "$1" | wc -l' gunzip-wc "$path")
  # For a directory: DuckDB reads a glob of its files, the floor is wc -l of all of them.
  if [[ -d "$path" ]]; then
    duck_cmd=("$PY" "$HERE/duckdb_query.py" --shape "$dshape" "$path/*.json" "$duck_out")
    wc_cmd=(bash -c 'wc -l -- "$1"/*.json | tail -n1' wc-dir "$path")
  fi

  if ((BENCH_WAIT_IDLE > 0)); then
    wait_idle "$BENCH_WAIT_IDLE"
  fi
  log "$name: hyperfine (--warmup $BENCH_WARMUP --runs $BENCH_RUNS)"
  cpu_busy >"$RESULTS/$name.machine.txt"
  hyperfine --shell=none --style basic --warmup "$BENCH_WARMUP" --runs "$BENCH_RUNS" \
    --export-json "$RESULTS/$name.hyperfine.json" \
    -n acs-triage "$(shq "${acs_cmd[@]}")" \
    -n duckdb "$(shq "${duck_cmd[@]}")" \
    -n "wc -l" "$(shq "${wc_cmd[@]}")"
  cpu_busy >>"$RESULTS/$name.machine.txt"

  log "$name: /usr/bin/time -v"
  /usr/bin/time -v -o "$RESULTS/$name.acs-triage.time.txt" "${acs_cmd[@]}"
  /usr/bin/time -v -o "$RESULTS/$name.duckdb.time.txt" "${duck_cmd[@]}"
  /usr/bin/time -v -o "$RESULTS/$name.wc.time.txt" "${wc_cmd[@]}" >/dev/null
  for tool in acs-triage duckdb wc; do
    awk -v t="$tool" -F': ' '/Maximum resident set size|User time|System time|Elapsed/ {
      sub(/^[ \t]+/, "", $1); printf "  %-10s %s: %s\n", t, $1, $2 }' "$RESULTS/$name.$tool.time.txt" >&2
  done

  log "$name: acs-triage by_code.csv vs DuckDB"
  if check="$("$PY" "$HERE/compare.py" "$acs_out/by_code.csv" "$duck_out" "$name")"; then :; else failed=1; fi
  echo "$check" >&2
  checks+=("$check")
done

# --- table ---------------------------------------------------------------------------------
if [[ -n "${ACS_TRIAGE_BIN:-}" ]]; then
  commit="binary $ACS_TRIAGE_BIN"
else
  commit="commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  git -C "$ROOT" diff --quiet HEAD -- src Cargo.toml Cargo.lock 2>/dev/null || commit="$commit + uncommitted changes"
fi
cpu="$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
header="# acs-triage benchmark

$(date -u +%Y-%m-%dT%H:%MZ), acs-triage $commit, scale $BENCH_SCALE, hyperfine --warmup $BENCH_WARMUP --runs $BENCH_RUNS.
$(nproc) cores ($cpu), $(free -g | awk '/Mem:/ {print $2}') GiB memory; warm page cache.
Tools: $("$BIN" --version), DuckDB $("$PY" -c 'import duckdb; print(duckdb.__version__)') (Python, includes interpreter start-up), $(wc --version | sed -n 1p).
Median wall time from hyperfine; peak RSS and (user+sys)/wall from one /usr/bin/time -v run;
MiB/s over uncompressed bytes; × columns: median wall over DuckDB's / wc -l's (above 1 = slower).
Generated by bench/run.sh; inputs by examples/gen.rs (seed $BENCH_SEED).

"
checks_md="
Correctness (acs-triage by_code.csv vs DuckDB, per code/subcode: count and distinct calls):

$(printf '%s\n' "${checks[@]}" | sed 's/^/    /')
"
log "results (also in bench/results.md; raw data in $RESULTS)"
BENCH_WARMUP="$BENCH_WARMUP" "$PY" "$HERE/summarize.py" "$RESULTS" --out "$HERE/results.md" --header "$header"
printf '%s' "$checks_md" | tee -a "$HERE/results.md"
if ((failed)); then
  die "acs-triage and DuckDB disagree (see above)"
fi
