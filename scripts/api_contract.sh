#!/usr/bin/env bash
# The API contract check (issue #19): the OpenAPI document is valid (openapi-spec-validator)
# and the server keeps it (schemathesis, every check, fixed seed), as the admin and anonymously,
# against a fresh server with demo data. Zero failures or this script fails.
#
# Builds nothing: runs the debug binary the test step built (LAOWU_BIN to use another).
# Configuration and the reasons for its few narrowings: scripts/api_contract.toml.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

BIN="${LAOWU_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/debug/laowu}"
EXAMPLES="${LAOWU_CONTRACT_EXAMPLES:-5}"
SEED="${LAOWU_CONTRACT_SEED:-1}"
VALIDATOR_VERSION=0.9.0
SCHEMATHESIS_VERSION=4.32.5

if [[ ! -x "$BIN" ]]; then
  echo "api_contract: no binary at $BIN (run cargo build or cargo test first)" >&2
  exit 1
fi

python3 -m pip install -q "openapi-spec-validator==$VALIDATOR_VERSION" "schemathesis==$SCHEMATHESIS_VERSION" \
  >/dev/null 2>&1 || pip install -q "openapi-spec-validator==$VALIDATOR_VERSION" "schemathesis==$SCHEMATHESIS_VERSION"

WORK=$(mktemp -d)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT/api/v1"
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# a server of its own: SQLite in a temporary folder, demo data, mail and SMS to files
"$BIN" serve --demo --addr "127.0.0.1:$PORT" --data-dir "$WORK/data" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 120); do
  grep -q "已启动" "$WORK/server.log" 2>/dev/null && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
  sleep 0.5
done
grep -q "已启动" "$WORK/server.log" || { echo "api_contract: the server did not start" >&2; cat "$WORK/server.log" >&2; exit 1; }

ADMIN_PASSWORD=$(awk '/admin@laowu.local/ {print $3; exit}' "$WORK/server.log")
TOKEN=$(curl -fsS -X POST -H 'Content-Type: application/json' \
  -d "{\"login\":\"admin@laowu.local\",\"password\":\"$ADMIN_PASSWORD\",\"name\":\"api-contract\"}" \
  "$BASE/auth/token" | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')

echo "== the document (openapi-spec-validator $VALIDATOR_VERSION)"
curl -fsS "$BASE/openapi.json" >"$WORK/openapi.json"
python3 -m openapi_spec_validator "$WORK/openapi.json"

run() {
  local who=$1
  shift
  # (run inside the temporary folder: hypothesis and schemathesis leave their caches there)
  mkdir -p "$WORK/$who"
  (cd "$WORK/$who" && st --config-file "$ROOT/scripts/api_contract.toml" run "$BASE/openapi.json" --url "$BASE" \
    --checks all --max-examples "$EXAMPLES" --seed "$SEED" --no-color "$@") \
    >"$WORK/st-$who.txt" 2>&1
}

report() {
  local who=$1 status=$2
  echo "== schemathesis $SCHEMATHESIS_VERSION as $who (--checks all, $EXAMPLES examples, seed $SEED)"
  # the failures in full, then the summary
  sed -n '/^=* FAILURES =*$/,/^=* SUMMARY =*$/p' "$WORK/st-$who.txt"
  tail -n 20 "$WORK/st-$who.txt"
  if [[ $status -ne 0 ]]; then
    echo "api_contract: schemathesis found failures as $who (exit $status): make the schema say what the server does (src/web/api/schema/tables.rs) or the server keep the schema" >&2
    return 1
  fi
}

# both at once (the anonymous run only reads, or registers what anyone may): half the time
run admin -H "Authorization: Bearer $TOKEN" &
ADMIN_RUN=$!
run anonymous &
ANONYMOUS_RUN=$!
wait "$ADMIN_RUN" && admin_status=0 || admin_status=$?
wait "$ANONYMOUS_RUN" && anonymous_status=0 || anonymous_status=$?

failed=0
report admin "$admin_status" || failed=1
report anonymous "$anonymous_status" || failed=1
exit $failed
