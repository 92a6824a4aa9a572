#!/usr/bin/env bash
# Bytes over the wire (gzip, as a phone's browser asks) of the key pages, for the README's
# page-weight table (issue #15 point 5). Against a running server with the demo data:
#   laowu serve --demo --addr 127.0.0.1:8080      # prints the logins
#   scripts/page-weight.sh http://127.0.0.1:8080 WORKER_PHONE WORKER_PW station@laowu.local STATION_PW
set -euo pipefail
base=${1:?base URL}; wlogin=${2:?worker login}; wpw=${3:?worker password}
slogin=${4:?station login}; spw=${5:?station password}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

login() { # jar login password
  local csrf
  csrf=$(curl -s -c "$1" -b "$1" "$base/login" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | cut -d'"' -f4)
  curl -s -o /dev/null -c "$1" -b "$1" --data-urlencode "login=$2" --data-urlencode "password=$3" \
    --data-urlencode "_csrf=$csrf" "$base/login"
}
weigh() { # jar path label
  local plain gz
  plain=$(curl -s -b "$1" -o /dev/null -w '%{size_download}' "$base$2")
  gz=$(curl -s -b "$1" -H 'Accept-Encoding: gzip' -o /dev/null -w '%{size_download}' "$base$2")
  printf '| %s | `%s` | %s | %s |\n' "$3" "$2" "$plain" "$gz"
}

login "$tmp/w" "$wlogin" "$wpw"
login "$tmp/s" "$slogin" "$spw"
vacancy=$(curl -s "$base/vacancies" | grep -o 'href="/vacancies/[0-9]*"' | head -1 | grep -o '[0-9]*')
worker=$(curl -s -b "$tmp/s" "$base/station" | grep -o 'href="/station/workers/[0-9]*"' | head -1 | grep -o '[0-9]*')
echo '| page | path | bytes | gzip bytes |'
echo '|---|---|---:|---:|'
weigh "$tmp/none" /vacancies "board (找工作)"
weigh "$tmp/none" /register "register (实名注册)"
weigh "$tmp/none" "/vacancies/$vacancy" "vacancy"
weigh "$tmp/s" /station "caseload (名册)"
weigh "$tmp/w" /me "/me (worker)"
weigh "$tmp/s" "/station/workers/$worker" "station worker page"
