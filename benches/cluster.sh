#!/usr/bin/env bash
# The cluster benchmark (issue #13 point 6): seeds PostgreSQL with WORKERS workers and VACANCIES
# open vacancies (generated Chinese records, multi-row inserts), starts NODES nodes behind
# nginx with scripts/cluster.sh (each builds its own index from the database at start), runs
# wrk through nginx on the station's worker search, the anonymous board, worker → vacancies
# and vacancy → workers matching, measures the change feed's lag to every node under a mixed
# write load (`laowu bench feed-lag`, with board searches beside it), runs `laowu index verify`
# on every node and prints one JSON object.
#
#   benches/cluster.sh                                   # 1,000,000 / 100,000, 3 nodes
#   WORKERS=200000 VACANCIES=20000 NODES=2 benches/cluster.sh
#
# Environment: LAOWU_BIN (default: cargo build --release), BENCH_PG (default
# postgres://postgres@127.0.0.1:5432), DURATION (wrk's -d, default 10s), LAG_WRITES (probed
# registrations, default 200), PORT (nginx, default 18280; nodes after it), KEEP=1 (leave the
# cluster running), RESEED=0 (reuse the database seeded by the last run). Everything lives in ./bench-cluster/ (gitignored).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PG=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
DB=laowu_bench_cluster
NODES=${NODES:-3}
WORKERS=${WORKERS:-1000000}
VACANCIES=${VACANCIES:-100000}
DURATION=${DURATION:-10s}
LAG_WRITES=${LAG_WRITES:-200}
PORT=${PORT:-18280}
DIR=$ROOT/bench-cluster
export CLUSTER_DIR=$DIR/cluster CLUSTER_DB=$DB CLUSTER_PG=$PG CLUSTER_PORT=$PORT CLUSTER_WAIT=7200 CLUSTER_DEMO=0
export DATABASE_URL=$PG/$DB
die() { printf 'cluster.sh: %s\n' "$*" >&2; exit 1; }
command -v wrk >/dev/null || die "wrk is missing (apt-get install -y wrk)"
command -v nginx >/dev/null || die "nginx is missing (apt-get install -y nginx)"

if [[ -n "${LAOWU_BIN:-}" ]]; then
  BIN=$(realpath "$LAOWU_BIN")
else
  cargo build --release --quiet
  BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/laowu"
fi
export LAOWU_BIN=$BIN

scripts/cluster.sh stop >/dev/null 2>&1 || true
if [[ ${RESEED:-1} == 0 && -s "$DIR/seed.json" ]]; then
  # RESEED=0: the database of the last run, less the writes of its lag measurement; the
  # nodes' indexes are built again
  echo "reusing the seeded database" >&2
  rm -rf "$CLUSTER_DIR"
else
  rm -rf "$DIR"
  mkdir -p "$DIR"
  psql "$PG/postgres" -qc "drop database if exists $DB with (force)" >/dev/null
  psql "$PG/postgres" -qc "create database $DB" >/dev/null
  echo "seeding $WORKERS workers, $VACANCIES vacancies" >&2
  "$BIN" bench seed --workers "$WORKERS" --vacancies "$VACANCIES" --tokens 24 --data-dir "$DIR" \
    >"$DIR/seed.json" 2>"$DIR/seed.log"
fi
TOKENS=$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(",".join([j["station_token"]] + j["more_tokens"]))' "$DIR/seed.json")
TOKEN=${TOKENS%%,*}

echo "starting $NODES nodes (each builds its index)" >&2
trap '[[ ${KEEP:-0} == 1 ]] || scripts/cluster.sh stop >/dev/null 2>&1 || true' EXIT
scripts/cluster.sh start "$NODES" | tee "$DIR/start.log" >&2
NODE_ADDRS=$(seq -s, -f "127.0.0.1:%g" $((PORT + 1)) $((PORT + NODES)))
LOG=$CLUSTER_DIR/nginx/access.log

run_case() { # name path tokens [max id]
  : >"$LOG"
  WRK_PATH="$2" WRK_TOKENS="$3" WRK_MAX_ID="${4:-1000}" wrk -t2 -c32 -d"$DURATION" --latency \
    -s "$ROOT/benches/wrk_search.lua" "http://127.0.0.1:$PORT" | grep '^{' >"$DIR/$1.json"
  awk '{print $2}' "$LOG" | sort | uniq -c | awk '{printf "%s %s\n", $2, $1}' >"$DIR/$1.nodes"
}
echo "wrk through nginx" >&2
run_case worker_search "/api/v1/workers?q=" "$TOKENS"
run_case board_search "/api/v1/vacancies?q=" ""
run_case worker_to_vacancies "/api/v1/workers/{id}/matches?limit=20" "$TOKENS" "$WORKERS"
run_case vacancy_to_workers "/api/v1/vacancies/{id}/matches?limit=20" "$TOKENS" "$VACANCIES"

echo "feed lag under writes (board searches beside)" >&2
WRK_PATH="/api/v1/vacancies?q=" wrk -t1 -c4 -d600s -s "$ROOT/benches/wrk_search.lua" \
  "http://127.0.0.1:$PORT" >/dev/null 2>&1 &
READERS=$!
"$BIN" bench feed-lag --front "127.0.0.1:$PORT" --nodes "$NODE_ADDRS" --token "$TOKEN" \
  --writes "$LAG_WRITES" --writers 4 --background 4 >"$DIR/lag.json"
kill $READERS 2>/dev/null || true
wait $READERS 2>/dev/null || true

echo "laowu index verify on every node" >&2
sleep 2
: >"$DIR/verify.txt"
for k in $(seq "$NODES"); do
  if "$BIN" index verify --data-dir "$CLUSTER_DIR/node$k" >"$DIR/verify$k.txt" 2>&1; then
    echo "node$k ok" >>"$DIR/verify.txt"
  else
    echo "node$k DIFFERS" >>"$DIR/verify.txt"
  fi
done

python3 - "$DIR" "$NODES" "$DURATION" <<'PY'
import json, re, sys, pathlib
d = pathlib.Path(sys.argv[1]); nodes = int(sys.argv[2]); secs = float(sys.argv[3].rstrip("s"))
seed = json.loads((d / "seed.json").read_text())
ready = [float(x) for x in re.findall(r"ready in ([0-9.]+) s", (d / "start.log").read_text())]
out = {"nodes": nodes, "workers": seed["workers"], "vacancies": seed["vacancies"],
       "seed_seconds": seed["seed_seconds"], "seed_rows_per_s": seed["rows_per_s"],
       "index_build_seconds_per_node": ready}
for case in ("worker_search", "board_search", "worker_to_vacancies", "vacancy_to_workers"):
    r = json.loads((d / f"{case}.json").read_text())
    per_node = {}
    for line in (d / f"{case}.nodes").read_text().split("\n"):
        if line.strip():
            addr, n = line.split()
            per_node[addr] = round(int(n) / secs)
    out[case] = {"p50_ms": r["p50_ms"], "p99_ms": r["p99_ms"], "requests_per_s": r["requests_per_s"],
                 "non_2xx": r["non_2xx"], "requests_per_s_per_node": per_node}
out["feed_lag"] = json.loads((d / "lag.json").read_text())
out["verify"] = (d / "verify.txt").read_text().split("\n")[:-1]
print(json.dumps(out, ensure_ascii=False))
PY
