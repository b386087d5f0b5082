#!/usr/bin/env bash
# Runs the playbooks of docs/operations.md against a live platform, with the same API calls, and checks that each
# step has the documented effect: a compromised device, a refresh-token reuse, a leaked API key, a key rotation,
# a signing-key rotation, and the audit log's integrity. It creates its own account ("drill-<time>") and touches
# nothing else.
#
#   ./platform up -d && deploy/k8s/drills/incident-drill.sh                        # local
#   API=https://api.openclaw.example.com TOKEN_SERVICE_URL=http://localhost:8082 \
#     ADMIN_KEY="$(kubectl -n openclaw get secret key-rotation-service-secrets \
#       -o jsonpath='{.data.bootstrap-admin-key}' | base64 -d)" deploy/k8s/drills/incident-drill.sh  # cluster
#
# TOKEN_SERVICE_URL reaches token-service directly (kubectl port-forward in a cluster): /v1/admin/* is not public.
# Needs bash, curl and jq. Exits non-zero at the first step that does not behave as the runbook says.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
API="${API:-http://localhost:8080}"
TOKEN_SERVICE_URL="${TOKEN_SERVICE_URL:-http://localhost:8082}"
ADMIN_KEY="${ADMIN_KEY:-$(cat "${ROOT}/.platform/admin-key" 2>/dev/null || true)}"
WAIT_SECONDS="${WAIT_SECONDS:-60}"
[[ -n "${ADMIN_KEY}" ]] || { echo "set ADMIN_KEY (or run ./platform up, which writes .platform/admin-key)" >&2; exit 2; }
command -v jq >/dev/null || { echo "jq is missing" >&2; exit 2; }

step() { printf '\n== %s\n' "$*"; }
ok() { printf '   ok  %s\n' "$*"; }
fail() { printf '   FAIL %s\n' "$*" >&2; exit 1; }

# call METHOD URL [TOKEN] [curl args…]: the body goes to $BODY, the status to $STATUS. Never prints secrets.
call() {
  local method="$1" url="$2" token="${3:-}"
  shift 3 || shift $#
  local auth=()
  [[ -n "${token}" ]] && auth=(-H "Authorization: Bearer ${token}")
  local out
  out="$(curl -s -m 15 -X "${method}" "${auth[@]}" -w '\n%{http_code}' "$@" "${url}")"
  STATUS="${out##*$'\n'}"
  BODY="${out%$'\n'*}"
}
expect() { # expect STATUS… : the last call answered one of these
  local s
  for s in "$@"; do [[ "${STATUS}" == "${s}" ]] && return 0; done
  fail "expected HTTP $*, got ${STATUS}: $(jq -c 'del(.key, .access_token, .refresh_token, .code)' <<<"${BODY}" 2>/dev/null || echo "${BODY:0:200}")"
}
json() { jq -r "$1" <<<"${BODY}"; }
# eventually SECONDS COMMAND…: retries until the command succeeds (events travel through Kafka)
eventually() {
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do
    (( SECONDS < deadline )) || return 1
    sleep 1
  done
}

client_token() { # client_token KEY_ID SECRET SCOPE → $TOKEN_OUT
  call POST "${API}/v1/oauth/token" "" -d grant_type=client_credentials -d "client_id=$1" \
    --data-urlencode "client_secret=$2" --data-urlencode "scope=$3"
}

pair_device() { # pair_device NAME → $DEVICE_ID $ACCESS $REFRESH
  call POST "${API}/v1/pairing-codes" "${OWNER}" -H 'Content-Type: application/json' \
    -d "{\"scopes\":[\"data:read\"],\"ttl_seconds\":300,\"label\":\"$1\"}"
  expect 201
  local code; code="$(json .code)"
  call POST "${API}/v1/auth/pair" "" -H 'Content-Type: application/json' \
    -d "{\"pairing_code\":\"${code}\",\"device_name\":\"$1\"}"
  expect 200
  DEVICE_ID="$(json .device_id)"; ACCESS="$(json .access_token)"; REFRESH="$(json .refresh_token)"
}

refresh() { call POST "${API}/v1/oauth/token" "" -d grant_type=refresh_token --data-urlencode "refresh_token=$1"; }

audit_has() { # audit_has QUERY: at least one audit record matches
  call GET "${API}/v1/audit/events?$1&limit=50" "${OWNER}"
  [[ "${STATUS}" == 200 ]] && [[ "$(jq '.items | length' <<<"${BODY}")" -gt 0 ]]
}

# ------------------------------------------------------------------------------------------------ setup
step "operator access: admin token, a drill account and its security key"
client_token key_platform_admin "${ADMIN_KEY}" "platform:admin keys:manage"
expect 200
ADMIN="$(json .access_token)"
ok "admin token (client_credentials, key_platform_admin)"

call POST "${API}/v1/accounts" "${ADMIN}" -H 'Content-Type: application/json' -d "{\"name\":\"drill-$(date +%s)\"}"
expect 201
ACCOUNT="$(json .id)"
ok "account ${ACCOUNT}"

# Issuing a pairing code needs pairing:issue and every device scope the code grants (data:read here).
OWNER_SCOPES="keys:manage devices:read devices:revoke audit:read alerts:manage pairing:issue data:read"
call POST "${API}/v1/keys" "${ADMIN}" -H 'Content-Type: application/json' \
  -d "$(jq -nc --arg acc "${ACCOUNT}" --arg s "${OWNER_SCOPES}" \
        '{name:"security-team", scopes:($s|split(" ")), environment:"live", account_id:$acc}')"
expect 201
OWNER_KEY_ID="$(json .id)"; OWNER_KEY="$(json .key)"
client_token "${OWNER_KEY_ID}" "${OWNER_KEY}" "${OWNER_SCOPES}"
expect 200
OWNER="$(json .access_token)"
ok "security key ${OWNER_KEY_ID} and its token"

# ------------------------------------------------------------------------------------------------ device
step "playbook: a compromised device (detect → revoke → contain → analyse → recover)"
pair_device "drill hub"
COMPROMISED="${DEVICE_ID}"; COMPROMISED_REFRESH="${REFRESH}"
call GET "${API}/v1/devices" "${OWNER}"
expect 200
jq -e --arg d "${COMPROMISED}" '.. | objects | select(.id? == $d or .device_id? == $d)' <<<"${BODY}" >/dev/null \
  || fail "GET /v1/devices does not list ${COMPROMISED}"
ok "detect: GET /v1/devices lists ${COMPROMISED}"
call DELETE "${API}/v1/devices/${COMPROMISED}" "${OWNER}"
expect 204 200
ok "revoke: DELETE /v1/devices/${COMPROMISED}"
refresh "${COMPROMISED_REFRESH}"
expect 400 401
[[ "$(json .error)" == invalid_grant ]] || fail "refresh after revocation answered $(json .error)"
ok "contain: its refresh token is dead (invalid_grant)"
eventually "${WAIT_SECONDS}" audit_has "subject=${COMPROMISED}" || fail "no audit record for ${COMPROMISED}"
ok "analyse: GET /v1/audit/events?subject=${COMPROMISED}"
pair_device "drill hub (replacement)"
ok "recover: a new code paired the replacement ${DEVICE_ID}"

# ------------------------------------------------------------------------------------------------ reuse
step "playbook: refresh-token reuse"
pair_device "drill sensor"
REUSED_DEVICE="${DEVICE_ID}"; FIRST="${REFRESH}"
refresh "${FIRST}"
expect 200
SECOND="$(json .refresh_token)"
refresh "${FIRST}"
expect 400 401
ok "the rotated token presented again is refused ($(json .error))"
refresh "${SECOND}"
expect 400 401
ok "revoke: the whole family died with it"
alert_open() {
  call GET "${API}/v1/alerts?status=open&severity=critical&rule=refresh_token_reuse" "${OWNER}"
  [[ "${STATUS}" == 200 ]] && ALERT_ID="$(jq -r '[.items[] | .id][0] // empty' <<<"${BODY}")" \
    && [[ -n "${ALERT_ID}" ]]
}
eventually "${WAIT_SECONDS}" alert_open || fail "no open critical refresh_token_reuse alert"
ok "detect: GET /v1/alerts?status=open&severity=critical → ${ALERT_ID}"
call POST "${API}/v1/alerts/${ALERT_ID}/acknowledge" "${OWNER}"
expect 200 204
ok "acknowledge"
call DELETE "${API}/v1/devices/${REUSED_DEVICE}" "${OWNER}"
expect 204 200
ok "contain: device ${REUSED_DEVICE} revoked"
eventually "${WAIT_SECONDS}" audit_has "type=io.openclaw.token.refresh_reuse_detected&subject=${REUSED_DEVICE}" \
  || eventually 5 audit_has "type=io.openclaw.token.refresh_reuse_detected" \
  || fail "no refresh_reuse_detected in the audit log"
ok "analyse: the reuse is in the audit log"
call POST "${API}/v1/alerts/${ALERT_ID}/resolve" "${OWNER}"
expect 200 204
ok "recover: alert resolved"

# ------------------------------------------------------------------------------------------------ keys
step "playbook: a leaked API key"
call POST "${API}/v1/keys" "${OWNER}" -H 'Content-Type: application/json' \
  -d '{"name":"drill backend","scopes":["devices:read"],"environment":"live"}'
expect 201
LEAKED_ID="$(json .id)"; LEAKED="$(json .key)"
client_token "${LEAKED_ID}" "${LEAKED}" "devices:read"
expect 200
call POST "${API}/v1/keys/leaks" "${OWNER}" -H 'Content-Type: application/json' \
  -d "$(jq -nc --arg k "${LEAKED}" '{candidates:[$k], source:"incident-drill"}')"
expect 200 202 204
ok "detect: reported through POST /v1/keys/leaks"
key_disabled() {
  call GET "${API}/v1/keys/${LEAKED_ID}" "${OWNER}"
  [[ "${STATUS}" == 200 ]] && [[ "$(json .status)" =~ ^(revoked|suspended|disabled)$ ]]
}
eventually "${WAIT_SECONDS}" key_disabled || fail "the leaked key is still $(json .status)"
ok "revoke: GET /v1/keys/${LEAKED_ID} says $(json .status)"
# verification results are cached for a few seconds (token-service and key-rotation-service, 5 s each)
leaked_refused() { client_token "${LEAKED_ID}" "${LEAKED}" "devices:read"; [[ "${STATUS}" == 400 || "${STATUS}" == 401 ]]; }
eventually "${WAIT_SECONDS}" leaked_refused || fail "the leaked key still gets tokens"
ok "contain: the leaked key gets no token ($(json .error))"
eventually "${WAIT_SECONDS}" audit_has "subject=${LEAKED_ID}" || fail "no audit record for ${LEAKED_ID}"
ok "analyse: GET /v1/audit/events?subject=${LEAKED_ID}"

call POST "${API}/v1/keys" "${OWNER}" -H 'Content-Type: application/json' \
  -d '{"name":"drill rotation","scopes":["devices:read"],"environment":"live"}'
expect 201
OLD_ID="$(json .id)"; OLD="$(json .key)"
call POST "${API}/v1/keys/${OLD_ID}/rotate" "${OWNER}" -H 'Content-Type: application/json' -d '{"grace_seconds":0}'
expect 200 201
NEW_ID="$(json .id)"; NEW="$(json .key)"
client_token "${NEW_ID}" "${NEW}" "devices:read"
expect 200
ok "recover: the successor ${NEW_ID} works"
old_key_refused() { client_token "${OLD_ID}" "${OLD}" "devices:read"; [[ "${STATUS}" == 400 || "${STATUS}" == 401 ]]; }
eventually "${WAIT_SECONDS}" old_key_refused || fail "the rotated key still works after a zero grace"
ok "the old key stopped (grace 0; verification caches expire within seconds)"

# ------------------------------------------------------------------------------------------------ signing
step "signing-key rotation"
call POST "${TOKEN_SERVICE_URL}/v1/admin/signing-keys/rotate" "${ADMIN}" -H 'Content-Type: application/json' \
  -H "Idempotency-Key: drill-$(date +%s)" -d '{"alg":"RS256"}'
expect 202 200
KID="$(json .kid)"
ok "POST /v1/admin/signing-keys/rotate → kid ${KID} ($(json .state))"
call GET "${API}/.well-known/jwks.json" ""
expect 200
jq -e --arg k "${KID}" '.keys[] | select(.kid == $k)' <<<"${BODY}" >/dev/null || fail "${KID} is not in the JWKS"
ok "the new key is published in the JWKS before it signs"

# ------------------------------------------------------------------------------------------------ integrity
step "audit log integrity"
call GET "${API}/v1/audit/integrity" "${OWNER}"
expect 200
[[ "$(json .status)" == intact ]] || fail "integrity check: ${BODY:0:300}"
ok "GET /v1/audit/integrity: the hash chain verifies"

printf '\nall playbook steps behaved as docs/operations.md says (account %s)\n' "${ACCOUNT}"
