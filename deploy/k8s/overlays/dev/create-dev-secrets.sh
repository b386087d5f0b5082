#!/bin/sh
# Creates the Secrets of the dev overlay with fresh random values (deploy/k8s/secrets-catalog.yaml lists them).
# Idempotent: existing Secrets are left alone, so re-running never rotates a value under a running database.
# Usage: deploy/k8s/overlays/dev/create-dev-secrets.sh [namespace]   (default: openclaw)
set -eu
command -v openssl >/dev/null && command -v python3 >/dev/null || { echo 'needs openssl and python3' >&2; exit 1; }
NS="${1:-openclaw}"

random() { openssl rand -base64 32 | tr -d '\n'; }
# The bootstrap admin key is an API key like any other: ock_live_ + 32 base62 + a 6-symbol base62 CRC32.
admin_key() {
  python3 -c 'import secrets, zlib
a = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
body = "ock_live_" + "".join(secrets.choice(a) for _ in range(32))
crc, digits = zlib.crc32(body.encode()) & 0xFFFFFFFF, ""
while crc:
    crc, d = divmod(crc, 62)
    digits = a[d] + digits
print(body + digits.rjust(6, "0"), end="")'
}
password() { openssl rand -hex 24; }

kubectl get namespace "$NS" >/dev/null 2>&1 || kubectl create namespace "$NS"

create() {
  name="$1"; shift
  if kubectl -n "$NS" get secret "$name" >/dev/null 2>&1; then
    echo "secret/$name exists, kept"
  else
    kubectl -n "$NS" create secret generic "$name" "$@" >/dev/null
    echo "secret/$name created"
  fi
}

REDIS_PASSWORD="$(kubectl -n "$NS" get secret redis-auth -o jsonpath='{.data.password}' 2>/dev/null | base64 -d || true)"
[ -n "$REDIS_PASSWORD" ] || REDIS_PASSWORD="$(password)"

create postgresql-admin --from-literal=password="$(password)"
create redis-auth --from-literal=password="$REDIS_PASSWORD"

db() { # role database: the connection settings of one service's own database on the dev PostgreSQL
  echo "--from-literal=db-reactive-url=postgresql://postgresql:5432/$2" \
    "--from-literal=db-jdbc-url=jdbc:postgresql://postgresql:5432/$2" \
    "--from-literal=db-username=$1"
}

create pairing-service-secrets \
  --from-literal=pairing-code-hmac-key="$(random)" \
  --from-literal=redis-hosts="redis://:${REDIS_PASSWORD}@redis:6379/0"
# shellcheck disable=SC2046
create token-service-secrets \
  --from-literal=token-kek="$(random)" \
  $(db token_service openclaw_token) --from-literal=db-password="$(password)" \
  --from-literal=redis-hosts="redis://:${REDIS_PASSWORD}@redis:6379/1"
# shellcheck disable=SC2046
create key-rotation-service-secrets \
  --from-literal=bootstrap-admin-key="$(admin_key)" \
  --from-literal=sealing-key="$(random)" \
  $(db key_rotation_service openclaw_keys) --from-literal=db-password="$(password)" \
  --from-literal=redis-hosts="redis://:${REDIS_PASSWORD}@redis:6379/2"
# shellcheck disable=SC2046
create audit-service-secrets \
  $(db audit_service openclaw_audit) --from-literal=db-password="$(password)"

echo "Strimzi creates the *-kafka and openclaw-kafka-cluster-ca-cert Secrets, cert-manager openclaw-api-tls."
echo "Read the bootstrap admin key once with:"
echo "  kubectl -n $NS get secret key-rotation-service-secrets -o jsonpath='{.data.bootstrap-admin-key}' | base64 -d"
