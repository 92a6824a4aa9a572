#!/usr/bin/env bash
# Several laowu nodes on one PostgreSQL database, behind nginx (README: "Running several nodes").
#
#   scripts/cluster.sh start [N]   N nodes (default 3) on 127.0.0.1:18081.., nginx on :18080
#   scripts/cluster.sh status
#   scripts/cluster.sh stop
#
# Everything lives in ./cluster/ (gitignored): nodeK/ (data dir, index, laowu.log, pid),
# nginx.conf, nginx's pid, logs and temp dirs. The first start fills the database with the
# demo data set; its logins are printed in cluster/node1/laowu.log.
#
# Environment: LAOWU_BIN (a built binary to use instead of `cargo build --release`),
# CLUSTER_PG (the server, default postgres://postgres@127.0.0.1:5432),
# CLUSTER_DB (default laowu_cluster), CLUSTER_PORT (nginx's port, default 18080; the nodes
# take the ports after it), CLUSTER_DIR (default ./cluster), CLUSTER_WAIT (seconds a node may
# take to answer /healthz — it builds its index first; default 60), CLUSTER_DEMO=0 (no demo
# data set on an empty database).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DIR="${CLUSTER_DIR:-$ROOT/cluster}"
WAIT="${CLUSTER_WAIT:-60}"
PG="${CLUSTER_PG:-postgres://postgres@127.0.0.1:5432}"
DB="${CLUSTER_DB:-laowu_cluster}"
PORT="${CLUSTER_PORT:-18080}"
DATABASE_URL="$PG/$DB"

say() { printf '%s\n' "$*"; }
die() { printf 'cluster.sh: %s\n' "$*" >&2; exit 1; }

# The pid in a file if that process is alive.
alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

node_dirs() { ls -d "$DIR"/node[0-9]* 2>/dev/null | sort -V || true; }

start_postgres() {
  pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null && return
  command -v pg_ctlcluster >/dev/null || die "PostgreSQL is not answering and pg_ctlcluster is missing (apt-get install postgresql)"
  local version
  version=$(ls /etc/postgresql | sort -n | tail -1)
  say "starting PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 60); do pg_isready -h 127.0.0.1 -p 5432 -q && return; sleep 1; done
  die "PostgreSQL did not start"
}

create_database() {
  if [[ -z $(psql "$PG/postgres" -Atqc "select 1 from pg_database where datname = '$DB'") ]]; then
    say "creating database $DB"
    psql "$PG/postgres" -qc "create database $DB"
  fi
}

binary() {
  if [[ -n "${LAOWU_BIN:-}" ]]; then
    [[ -x "$LAOWU_BIN" ]] || die "LAOWU_BIN=$LAOWU_BIN is not an executable"
    BIN=$(realpath "$LAOWU_BIN")
  else
    cargo build --release --quiet
    BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/laowu"
  fi
}

wait_healthy() { # port, log
  for _ in $(seq $((WAIT * 2))); do
    curl -fsS -o /dev/null "http://127.0.0.1:$1/healthz" 2>/dev/null && return
    sleep 0.5
  done
  tail -20 "$2" >&2
  die "node on port $1 did not become healthy (log: $2)"
}

start_node() { # k
  local k=$1 port=$((PORT + $1)) d="$DIR/node$1"
  mkdir -p "$d"
  if alive "$d/pid"; then
    say "node$k already running (pid $(cat "$d/pid"), port $port)"
    return
  fi
  local demo=()
  # one node fills an empty database, before the others start
  [[ $k == 1 && ${CLUSTER_DEMO:-1} != 0 ]] && demo=(--demo)
  local started
  started=$(date +%s.%N)
  DATABASE_URL="$DATABASE_URL" nohup "$BIN" serve \
    --addr "127.0.0.1:$port" \
    --data-dir "$d" \
    --base-url "http://127.0.0.1:$PORT" \
    --trusted-proxies 127.0.0.1 \
    "${demo[@]}" >>"$d/laowu.log" 2>&1 &
  echo $! >"$d/pid"
  echo "$port" >"$d/port"
  wait_healthy "$port" "$d/laowu.log"
  say "node$k up: pid $(cat "$d/pid"), http://127.0.0.1:$port, data dir $d, ready in $(echo "$(date +%s.%N) - $started" | bc) s"
}

write_nginx_conf() { # n
  local servers="" k
  for k in $(seq "$1"); do servers+="        server 127.0.0.1:$((PORT + k)) max_fails=2 fail_timeout=10s;"$'\n'; done
  mkdir -p "$DIR/nginx/tmp"
  cat >"$DIR/nginx.conf" <<EOF
# Written by scripts/cluster.sh; every path is inside $DIR.
worker_processes 1;
pid $DIR/nginx/nginx.pid;
error_log $DIR/nginx/error.log warn;
events { worker_connections 512; }
http {
    log_format upstream '\$msec \$upstream_addr \$status \$request_time';
    access_log $DIR/nginx/access.log upstream;
    client_body_temp_path $DIR/nginx/tmp/body;
    proxy_temp_path $DIR/nginx/tmp/proxy;
    fastcgi_temp_path $DIR/nginx/tmp/fastcgi;
    uwsgi_temp_path $DIR/nginx/tmp/uwsgi;
    scgi_temp_path $DIR/nginx/tmp/scgi;

    # A session's requests go to one node (its import report files are on that node's disk),
    # and so do an API client's (by its token); any node can serve any of them, so when one is
    # down they move on. Requests with neither (the public board) go to any node.
    map \$cookie_laowu_session\$http_authorization \$laowu_affinity {
        "" \$request_id;
        default \$cookie_laowu_session\$http_authorization;
    }
    upstream laowu {
        hash \$laowu_affinity consistent;
$servers        keepalive 16;
    }
    server {
        listen 127.0.0.1:$PORT;
        client_max_body_size 50m;          # ledger uploads (.xlsx, .csv)
        location / {
            proxy_pass http://laowu;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$host:\$server_port;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_connect_timeout 5s;
            proxy_read_timeout 120s;       # a large ledger import; the app stops others at 30 s
            proxy_send_timeout 120s;
            proxy_next_upstream error timeout http_502 http_503;
        }
    }
}
EOF
}

start() {
  local n=${1:-3}
  [[ $n =~ ^[1-9][0-9]*$ ]] || die "N must be a positive number"
  command -v nginx >/dev/null || die "nginx is missing (apt-get update && apt-get install -y nginx)"
  mkdir -p "$DIR"
  start_postgres
  create_database
  binary
  local k
  for k in $(seq "$n"); do start_node "$k"; done
  write_nginx_conf "$n"
  nginx -t -q -c "$DIR/nginx.conf" -p "$DIR/nginx" -e "$DIR/nginx/error.log"
  if alive "$DIR/nginx/nginx.pid"; then
    nginx -c "$DIR/nginx.conf" -p "$DIR/nginx" -e "$DIR/nginx/error.log" -s reload
    say "nginx reloaded"
  else
    nginx -c "$DIR/nginx.conf" -p "$DIR/nginx" -e "$DIR/nginx/error.log"
  fi
  wait_healthy "$PORT" "$DIR/nginx/error.log"
  say "nginx up: http://127.0.0.1:$PORT -> $n nodes (database $DB)"
  grep -A12 '演示账号' "$DIR/node1/laowu.log" 2>/dev/null | head -12 || true
}

stop() {
  if alive "$DIR/nginx/nginx.pid"; then
    kill "$(cat "$DIR/nginx/nginx.pid")"
    say "nginx stopped"
  fi
  local d
  for d in $(node_dirs); do
    if alive "$d/pid"; then
      kill "$(cat "$d/pid")"
      for _ in $(seq 40); do alive "$d/pid" || break; sleep 0.25; done
      say "$(basename "$d") stopped"
    fi
    rm -f "$d/pid"
  done
}

status() {
  local d up=0
  if alive "$DIR/nginx/nginx.pid"; then
    say "nginx  pid $(cat "$DIR/nginx/nginx.pid")  http://127.0.0.1:$PORT  $(curl -fsS "http://127.0.0.1:$PORT/healthz" 2>/dev/null || echo unhealthy)"
  else
    say "nginx  stopped"
  fi
  for d in $(node_dirs); do
    local port
    port=$(cat "$d/port" 2>/dev/null || echo '?')
    if alive "$d/pid"; then
      up=$((up + 1))
      say "$(basename "$d")  pid $(cat "$d/pid")  http://127.0.0.1:$port  $(curl -fsS "http://127.0.0.1:$port/healthz" 2>/dev/null || echo unhealthy)"
    else
      say "$(basename "$d")  stopped"
    fi
  done
  say "$up node(s) running"
}

case "${1:-}" in
  start) start "${2:-3}" ;;
  stop) stop ;;
  status) status ;;
  *) die "usage: scripts/cluster.sh start [N] | stop | status" ;;
esac
