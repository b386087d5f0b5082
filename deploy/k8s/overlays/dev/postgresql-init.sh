#!/bin/sh
# Runs once, when the dev PostgreSQL initialises its data directory: one database and one owner per service.
# Roles and passwords come from the services' Secrets (environment of the postgresql container); the database
# names match the URLs in those Secrets.
set -eu
create() {
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v role="$1" -v password="$2" -v db="$3" <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'password';
CREATE DATABASE :"db" OWNER :"role";
SQL
}
create "$TOKEN_DB_USER" "$TOKEN_DB_PASSWORD" "${TOKEN_DB_NAME:-openclaw_token}"
create "$KEYS_DB_USER" "$KEYS_DB_PASSWORD" "${KEYS_DB_NAME:-openclaw_keys}"
create "$AUDIT_DB_USER" "$AUDIT_DB_PASSWORD" "${AUDIT_DB_NAME:-openclaw_audit}"
