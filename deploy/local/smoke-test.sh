#!/usr/bin/env bash
# Smoke test of ./platform and the front door against the real processes: up -d within the time
# budget, status healthy, every front-door route reaches its service, private paths are not routed,
# oversized bodies get 413, the admin key is well-formed and works, down leaves no process behind.
#
#   deploy/local/smoke-test.sh [--fresh] [up options, e.g. --no-build]
#
# --fresh runs ./platform reset first (new broker, secrets and databases). Exit code 0 when all passed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STATE="${ROOT}/.platform"
BUDGET_SECONDS="${OPENCLAW_UP_BUDGET:-120}"
FRONT="http://127.0.0.1:8080"
failures=0

pass() { printf '  pass  %s\n' "$*"; }
fail() {
    printf '  FAIL  %s\n' "$*"
    failures=$((failures + 1))
}
check() {
    local description="$1"
    shift
    if "$@"; then pass "${description}"; else fail "${description}"; fi
}

fresh=0
if [[ "${1:-}" == "--fresh" ]]; then
    fresh=1
    shift
fi

cd "${ROOT}"
if [[ -n "$(ls -A "${STATE}/pids" 2>/dev/null)" ]]; then
    echo "the platform is running: ./platform down first" >&2
    exit 2
fi
if ((fresh)); then
    ./platform reset >/dev/null
fi

echo "== ./platform up -d $*"
start="$(date +%s)"
if ! ./platform up -d "$@" >/tmp/openclaw-smoke-up.log 2>&1; then
    cat /tmp/openclaw-smoke-up.log
    echo "up failed" >&2
    exit 1
fi
took=$(($(date +%s) - start))
check "up -d made all four services ready in ${took} s (budget ${BUDGET_SECONDS} s)" test "${took}" -le "${BUDGET_SECONDS}"
check "status reports every component healthy" bash -c './platform status >/dev/null'

echo "== front door"
# The access log records "$request_method $uri $server_protocol" and the upstream of each request.
upstream_of() {
    local method="$1" path="$2"
    curl -s -o /dev/null -X "${method}" "${FRONT}${path}" -H 'Content-Type: application/json' || true
    tail -n 50 "${STATE}/logs/front-door-access.log" | grep -F "\"${method} ${path} " | tail -n 1 |
        sed -n 's/.*upstream=\([^ ]*\).*/\1/p'
}
routes=(
    "GET /v1/pairing-codes 8081" "GET /v1/pairing-codes/pc_x 8081" "POST /v1/oauth/device_authorization 8081"
    "POST /v1/device/verify 8081" "POST /v1/oauth/token 8082" "POST /v1/oauth/revoke 8082"
    "POST /v1/oauth/introspect 8082" "POST /v1/auth/pair 8082" "GET /v1/devices 8082" "DELETE /v1/devices/dev_x 8082"
    "GET /.well-known/jwks.json 8082" "GET /.well-known/oauth-authorization-server 8082"
    "POST /v1/accounts 8083" "GET /v1/keys 8083" "POST /v1/keys/verify 8083"
    "GET /v1/audit/events 8084" "GET /v1/audit/integrity 8084" "GET /v1/alerts 8084"
)
for route in "${routes[@]}"; do
    read -r method path port <<<"${route}"
    got="$(upstream_of "${method}" "${path}")"
    check "${method} ${path} reaches 127.0.0.1:${port}" test "${got}" == "127.0.0.1:${port}"
done
for path in /internal/v1/redemptions /internal/v1/device-authorizations/poll /v1/admin/signing-keys/rotate /q/health/ready /q/metrics \
    /v1/devicesX /v1/keysX /v1/other /; do
    body="$(curl -s -X POST -w ' %{http_code}' "${FRONT}${path}" | tr -d '\n')"
    check "${path} is not routed (404 no_route)" grep -q '"code":"no_route".* 404$' <<<"${body}"
done
head -c 70000 /dev/zero | tr '\0' x >/tmp/openclaw-smoke-big
body="$(curl -s -X POST --data-binary @/tmp/openclaw-smoke-big -H 'Content-Type: application/json' -w ' %{http_code}' "${FRONT}/v1/keys" | tr -d '\n')"
check "a 70 KB body gets 413 payload_too_large" grep -q '"code":"payload_too_large".* 413$' <<<"${body}"
body="$(curl -s -w ' %{http_code}' "${FRONT}/v1/devices/%00" | tr -d '\n')"
check "a malformed path gets 400 problem+json" grep -q '"code":"bad_request".* 400$' <<<"${body}"
body="$(curl -s -w ' %{http_code}' "${FRONT}/v1/pairing-codes/$(head -c 10000 /dev/zero | tr '\0' x)" | tr -d '\n')"
check "a 10 KB URI gets 414 uri_too_long" grep -q '"code":"uri_too_long".* 414$' <<<"${body}"
type="$(curl -s -o /dev/null -w '%{content_type}' "${FRONT}/nowhere")"
check "front-door errors are application/problem+json" test "${type}" == "application/problem+json"

echo "== secrets"
check ".platform/admin-key is mode 600" test "$(stat -c %a "${STATE}/admin-key")" == 600
check ".platform/secrets is mode 700" test "$(stat -c %a "${STATE}/secrets")" == 700
check "the admin key is ock_live_ + 32 base62 + a valid base62 CRC32 checksum" python3 - "${STATE}/admin-key" <<'EOF'
import re, sys, zlib
key = open(sys.argv[1]).read()
alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
if not re.fullmatch(r"ock_live_[0-9A-Za-z]{38}", key):
    sys.exit(1)
value = 0
for ch in key[41:]:
    value = value * 62 + alphabet.index(ch)
sys.exit(0 if value == zlib.crc32(key[:41].encode("ascii")) else 1)
EOF
status="$(curl -s -o /tmp/openclaw-smoke-token -w '%{http_code}' "${FRONT}/v1/oauth/token" \
    -d grant_type=client_credentials -d client_id=key_platform_admin \
    --data-urlencode "client_secret@${STATE}/admin-key" -d scope=platform:admin)"
check "the admin key buys an access token at the front door (HTTP ${status})" \
    grep -q '"access_token"' /tmp/openclaw-smoke-token
rm -f /tmp/openclaw-smoke-token /tmp/openclaw-smoke-big
check "no secret in the logs" bash -c "! grep -rqF -e \"\$(cat '${STATE}/admin-key')\" -e \"\$(cat '${STATE}/secrets/token-kek')\" '${STATE}/logs'"

echo "== ./platform down"
mapfile -t pids < <(cut -d' ' -f1 "${STATE}"/pids/*.pid)
./platform down >/dev/null
alive=()
for pid in "${pids[@]}"; do
    if [[ -d "/proc/${pid}" ]] && grep -qF -e "${ROOT}" -e nginx "/proc/${pid}/cmdline" 2>/dev/null; then
        alive+=("${pid}")
    fi
done
check "down stopped every recorded process (${#pids[@]})" test "${#alive[@]}" -eq 0
# Every process ./platform starts names .platform/ on its command line (packaged services that tests
# start from the same jars do not).
leftover="$(pgrep -af -- "${STATE}/" || true)"
check "no process of this checkout's platform is left" test -z "${leftover}"
check "no PID file is left" test -z "$(ls -A "${STATE}/pids")"

if ((failures > 0)); then
    echo "${failures} check(s) failed"
    exit 1
fi
echo "all checks passed"
