-- The successor of a scheduled rotation, sealed with AES-256-GCM (openclaw.keys.sealing-key) until its
-- owner collects it once with POST /v1/keys/{id}/reveal; then the column is cleared.
ALTER TABLE api_keys ADD COLUMN sealed_key bytea;
