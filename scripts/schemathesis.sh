#!/usr/bin/env bash
# schemathesis (every check) against a running `orderly serve`, signed in as an admin and then as a customer.
# Installs schemathesis into its own virtual environment; bounded by examples per operation (ORDERLY_ST_EXAMPLES).
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${ORDERLY_BIN:-.build/debug/orderly}"
venv="${ORDERLY_ST_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/orderly/schemathesis}"
[ -x "$venv/bin/schemathesis" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install --quiet 'schemathesis>=4.1,<5'; }
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
ORDERLY_ADMIN_EMAIL=admin@schema.test ORDERLY_ADMIN_PASSWORD=admin-password ORDERLY_LOG_LEVEL=error \
    "$bin" serve --port "$port" --data-dir "$work/data" >"$work/server.log" 2>&1 &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 1 100); do curl -sf "$base/health" >/dev/null && break; sleep 0.1; done

token() { curl -sf -X POST "$base/v1/auth/login" -H 'Content-Type: application/json' -d "$1" |
    python3 -c 'import sys,json; print(json.load(sys.stdin)["token"])'; }
admin=$(token '{"email":"admin@schema.test","password":"admin-password"}')
curl -sf -X POST "$base/v1/products" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
    -d '{"name":"Milk","description":"Fresh","price":{"amount":129,"currency":"USD"},"category":"dairy","stock":1000}' >/dev/null
curl -sf -X POST "$base/v1/users" -H 'Content-Type: application/json' \
    -d '{"email":"ann@schema.test","password":"password-123","name":"Ann"}' >/dev/null
customer=$(token '{"email":"ann@schema.test","password":"password-123"}')

status=0
for who in admin customer; do
    echo "schemathesis as $who"
    [ "$who" = admin ] && bearer=$admin || bearer=$customer
    "$venv/bin/schemathesis" --config-file scripts/schemathesis.toml run "$base/openapi.json" \
        -H "Authorization: Bearer $bearer" --checks all --generation-codec ascii --generation-deterministic \
        --max-examples "${ORDERLY_ST_EXAMPLES:-40}" --workers 2 --no-color || status=1
done
exit $status
