#!/usr/bin/env bash
# The search path through HTTP (issue #13 point 5): seeds WORKERS workers (a sending station's
# caseload) and VACANCIES open vacancies, starts a release server, runs wrk (2 threads, 32
# connections, same machine) on the station's worker search with its bearer token, the
# anonymous board API, the board page and /healthz, RUNS times each, and prints one JSON object
# with the median of each figure (p50/p99 from wrk's latency distribution, requests/s). The
# worker search runs twice: on one connection (worker_search_1conn: the latency of one
# request) and on 32 (worker_search_api: throughput; its p50 is mostly queueing).
#
#   benches/search_http.sh                       # PostgreSQL, 100k workers, 20k vacancies
#   BENCH_DB=sqlite benches/search_http.sh       # the same on SQLite
#
# Environment: LAOWU_BIN (default $CARGO_TARGET_DIR/release/laowu or target/release/laowu,
# built when missing), BENCH_PG (server, default postgres://postgres@127.0.0.1:5432),
# BENCH_PG_PARAMS (default ?sslmode=disable: PostgreSQL on this machine, no TLS on the loopback),
# BENCH_DIR (default ./bench-http: data dir, index, log, the seed's JSON), WORKERS, VACANCIES,
# DURATION (wrk's -d, default 10s), RUNS (default 3), RESEED=1 to drop and seed again (else an
# earlier seed in BENCH_DIR is reused), PORT (default 18180).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BACKEND=${BENCH_DB:-postgres}
PG=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
DIR=${BENCH_DIR:-$ROOT/bench-http}/$BACKEND
WORKERS=${WORKERS:-100000}
VACANCIES=${VACANCIES:-20000}
DURATION=${DURATION:-10s}
RUNS=${RUNS:-3}
PORT=${PORT:-18180}
die() { printf 'search_http.sh: %s\n' "$*" >&2; exit 1; }
command -v wrk >/dev/null || die "wrk is missing (apt-get install -y wrk)"

if [[ -n "${LAOWU_BIN:-}" ]]; then
  BIN=$(realpath "$LAOWU_BIN")
else
  cargo build --release --quiet
  BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/laowu"
fi
case $BACKEND in
  # the database is on this machine: no TLS on the loopback (BENCH_PG_PARAMS= keeps sqlx's default, TLS when offered)
  postgres) DATABASE_URL="$PG/laowu_bench_http${BENCH_PG_PARAMS-?sslmode=disable}" ;;
  sqlite) DATABASE_URL="sqlite://$DIR/laowu.db" ;;
  *) die "BENCH_DB is postgres or sqlite" ;;
esac
export DATABASE_URL

if [[ "${RESEED:-0}" == 1 || ! -s "$DIR/seed.json" ]]; then
  rm -rf "$DIR"
  mkdir -p "$DIR"
  if [[ $BACKEND == postgres ]]; then
    psql "$PG/postgres" -qc "drop database if exists laowu_bench_http with (force)" >/dev/null
    psql "$PG/postgres" -qc "create database laowu_bench_http" >/dev/null
  fi
  "$BIN" bench seed --workers "$WORKERS" --vacancies "$VACANCIES" --data-dir "$DIR" \
    >"$DIR/seed.json" 2>"$DIR/seed.log"
fi
TOKEN=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["station_token"])' "$DIR/seed.json")

"$BIN" serve --addr "127.0.0.1:$PORT" --data-dir "$DIR" >>"$DIR/laowu.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true' EXIT
STARTED=$(date +%s.%N)
for _ in $(seq 1200); do
  curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null && break
  kill -0 $PID 2>/dev/null || { tail -20 "$DIR/laowu.log" >&2; die "the server stopped"; }
  sleep 0.5
done
READY=$(date +%s.%N)
# one request of each kind first (the page cache, the index's first reads)
curl -fsS -o /dev/null -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/workers?q=%E5%8E%A8%E5%B8%88" \
  || die "the worker search failed"

run_case() { # name path token [connections] [salt]
  local i c=${4:-32}
  for i in $(seq "$RUNS"); do
    WRK_PATH="$2" WRK_TOKENS="$3" WRK_SALT="${5:-0}" wrk -t$((c < 2 ? 1 : 2)) -c"$c" -d"$DURATION" --latency \
      -s "$ROOT/benches/wrk_search.lua" "http://127.0.0.1:$PORT" | grep '^{' | sed "s/^{/{\"case\":\"$1\",/"
  done
}
{
  # latency: one connection, one request at a time
  run_case worker_search_1conn "/api/v1/workers?q=" "$TOKEN" 1
  # throughput: 2 threads, 32 connections
  run_case worker_search_api "/api/v1/workers?q=" "$TOKEN"
  # the same with no two queries alike (nothing answered from the cache of answers)
  run_case worker_search_1conn_unique "/api/v1/workers?q=" "$TOKEN" 1 1
  run_case worker_search_unique "/api/v1/workers?q=" "$TOKEN" 32 1
  run_case board_api "/api/v1/vacancies?q=" ""
  run_case board_api_unique "/api/v1/vacancies?q=" "" 32 1
  run_case board_page "/vacancies?q=" ""
  run_case healthz "/healthz?x=" ""
} >"$DIR/runs.jsonl"

python3 - "$DIR/runs.jsonl" "$DIR/seed.json" "$BACKEND" "$(echo "$READY - $STARTED" | bc)" <<'PY'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1])]
seed = json.load(open(sys.argv[2]))
out = {"backend": sys.argv[3], "workers": seed["workers"], "vacancies": seed["vacancies"],
       "seed_seconds": seed["seed_seconds"], "start_seconds": round(float(sys.argv[4]), 2),
       "runs": len([r for r in runs if r["case"] == "healthz"])}
for case in dict.fromkeys(r["case"] for r in runs):
    rs = [r for r in runs if r["case"] == case]
    out[case] = {k: round(statistics.median(r[k] for r in rs), 3) for k in ("p50_ms", "p99_ms", "requests_per_s")}
    out[case]["non_2xx"] = sum(r["non_2xx"] for r in rs)
    out[case]["all_runs_rps"] = [r["requests_per_s"] for r in rs]
print(json.dumps(out))
PY
