#!/usr/bin/env bash
# End-to-end check of the real binary, as a new user would use it: start the server on a free port with a fresh data
# folder, walk register → login → browse → cart → checkout with curl, then the journeys of smoke-journeys.py
# (refund, declined, out of stock, 30 buyers for 10 units), validate /openapi.json, stop with SIGTERM.
#
# With ORDERLY_SMOKE_AWS_ENDPOINT (a moto_server), the same runs on the aws backend: `orderly aws provision` under a
# fresh prefix, then `ORDERLY_BACKEND=aws orderly serve` with its secrets from the environment.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${ORDERLY_BIN:-.build/debug/orderly}"
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
export ORDERLY_ADMIN_EMAIL=admin@example.com ORDERLY_ADMIN_PASSWORD=admin-password
if [ -n "${ORDERLY_SMOKE_AWS_ENDPOINT:-}" ]; then
    export AWS_ENDPOINT_URL="$ORDERLY_SMOKE_AWS_ENDPOINT" AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=testing \
        AWS_SECRET_ACCESS_KEY=testing ORDERLY_BACKEND=aws ORDERLY_AWS_PREFIX="smoke-$(date +%s)-$$" \
        ORDERLY_JWT_SECRET="smoke-jwt-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
        ORDERLY_WEBHOOK_SECRET="smoke-webhook-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    "$bin" aws provision >"$work/provision.log"
    secrets=("$ORDERLY_JWT_SECRET" "$ORDERLY_WEBHOOK_SECRET")
fi
"$bin" serve --port "$port" --data-dir "$work/data" >"$work/server.log" 2>&1 &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 1 100); do curl -sf "$base/health" >/dev/null && break; sleep 0.1; done

fail() { echo "smoke: $*" >&2; cat "$work/server.log" >&2; exit 1; }
json() { python3 -c "import sys,json; print(json.load(sys.stdin)$1)"; }
expect() { # expect STATUS METHOD PATH [curl args...]: prints the body, fails on another status
    local want=$1 method=$2 path=$3; shift 3
    local out status
    out=$(curl -s -w '\n%{http_code}' -X "$method" "$base$path" -H 'Content-Type: application/json' "$@")
    status=${out##*$'\n'}
    [ "$status" = "$want" ] || fail "$method $path answered $status, not $want: ${out%$'\n'*}"
    printf '%s' "${out%$'\n'*}"
}

expect 200 GET /ready >/dev/null
admin=$(expect 200 POST /v1/auth/login -d '{"email":"admin@example.com","password":"admin-password"}' | json '["token"]')
product=$(expect 201 POST /v1/products -H "Authorization: Bearer $admin" \
    -d '{"name":"Milk 1L","description":"Fresh","price":{"amount":129,"currency":"USD"},"category":"dairy","stock":20}' \
    | json '["productId"]')
expect 201 POST /v1/users -d '{"email":"ann@example.com","password":"hunter22!","name":"Ann"}' >/dev/null
token=$(expect 200 POST /v1/auth/login -d '{"email":"ann@example.com","password":"hunter22!"}' | json '["token"]')
[ "$(expect 200 GET '/v1/products?category=dairy&inStock=true' | json '["items"][0]["productId"]')" = "$product" ] \
    || fail "the new product is not listed"
total=$(expect 200 POST /v1/cart/items -H "Authorization: Bearer $token" -d "{\"productId\":\"$product\",\"quantity\":2}" \
    | json '["total"]["amount"]')
[ "$total" = "258" ] || fail "cart total $total, expected 258"
expect 409 POST /v1/cart/items -H "Authorization: Bearer $token" -d "{\"productId\":\"$product\",\"quantity\":19}" >/dev/null
status=$(expect 200 POST '/v1/checkout?wait=true' -H "Authorization: Bearer $token" -H 'Idempotency-Key: smoke-1' \
    -d '{"paymentMethod":{"type":"card","token":"tok_visa"}}' | json '["status"]')
[ "$status" = "CONFIRMED" ] || fail "checkout ended $status, not CONFIRMED"
[ "$(expect 200 GET "/v1/products/$product" | json '["stock"]["available"]')" = "18" ] || fail "stock was not committed"
expect 403 POST /v1/products -H "Authorization: Bearer $token" -d '{}' >/dev/null
python3 scripts/smoke-journeys.py "$base" "$admin" || fail "a shopping journey failed"
# Read the whole answer first: `grep -q` stops at the first match, and with pipefail a writer cut short fails.
metrics=$(expect 200 GET /metrics)
grep -qF 'http_requests_total{method="POST",route="/v1/cart/items",status="200"} 1' <<<"$metrics" \
    || fail "metrics do not count the cart request"

expect 200 GET /openapi.json >"$work/openapi.json"
python3 - "$work/openapi.json" <<'PY' || fail "/openapi.json is not a valid OpenAPI 3.1 document"
import json, sys
from openapi_spec_validator import validate
validate(json.load(open(sys.argv[1])))
PY

# Every event delivered (the gauge is there and at zero), then stop and check every invariant at rest.
for _ in $(seq 1 300); do
    grep -qx 'outbox_pending_events 0.0' <<<"$(curl -s "$base/metrics")" && break
    sleep 0.1
done
kill -TERM "$pid"
for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && fail "the server did not stop on SIGTERM"
wait "$pid" || fail "the server exited with status $? on SIGTERM"
"$bin" check --data-dir "$work/data" >"$work/check.log" || { cat "$work/check.log" >&2; fail "orderly check found broken rules"; }

# No password, password hash or secret in any log line.
[ -n "${secrets+set}" ] || secrets=("$(cat "$work/data/jwt-secret")" "$(cat "$work/data/webhook-secret")")
for secret in "admin-password" "hunter22!" '$2b$' "${secrets[@]}"; do
    grep -qF -- "$secret" "$work/server.log" && fail "the log holds a password, hash or secret"
done
echo "smoke: 1 passed, 0 failed"
