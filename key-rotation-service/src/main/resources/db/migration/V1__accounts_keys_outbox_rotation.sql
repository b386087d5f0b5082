-- Accounts: the tenants. Every key belongs to one.
CREATE TABLE accounts (
    id            text PRIMARY KEY,
    name          text        NOT NULL,
    device_scopes text[]      NOT NULL,
    leak_policy   text        NOT NULL DEFAULT 'revoke' CHECK (leak_policy IN ('revoke', 'suspend')),
    created_at    timestamptz NOT NULL
);

-- API keys. Only the SHA-256 of a key, its id and its first characters (for display) are stored.
-- stage follows the staging idea of AWS Secrets Manager: current, pending (a scheduled rotation's
-- successor before promotion) and previous (the old key during its grace).
CREATE TABLE api_keys (
    id                        text PRIMARY KEY,
    account_id                text        NOT NULL REFERENCES accounts (id),
    name                      text        NOT NULL,
    key_hash                  bytea       NOT NULL UNIQUE,
    display_prefix            text        NOT NULL,
    environment               text        NOT NULL CHECK (environment IN ('live', 'test')),
    scopes                    text[]      NOT NULL,
    allowed_cidrs             text[]      NOT NULL DEFAULT '{}',
    rate_limit_requests       integer,
    rate_limit_window_seconds integer,
    rotation_every_days       integer,
    rotation_grace_seconds    integer,
    metadata                  jsonb       NOT NULL DEFAULT '{}',
    status                    text        NOT NULL CHECK (status IN ('active', 'disabled', 'revoked', 'retired')),
    stage                     text        NOT NULL CHECK (stage IN ('current', 'pending', 'previous')),
    expires_at                timestamptz,
    grace_until               timestamptz,
    rotated_from              text,
    successor_id              text,
    next_rotation_at          timestamptz,
    expiry_notices_sent       integer[]   NOT NULL DEFAULT '{}',
    expired_notified          boolean     NOT NULL DEFAULT false,
    created_at                timestamptz NOT NULL,
    updated_at                timestamptz NOT NULL,
    revoked_at                timestamptz
);

CREATE INDEX api_keys_by_account ON api_keys (account_id, created_at, id);
CREATE INDEX api_keys_rotation_due ON api_keys (next_rotation_at)
    WHERE status = 'active' AND stage = 'current' AND next_rotation_at IS NOT NULL;
CREATE INDEX api_keys_expiring ON api_keys (expires_at)
    WHERE status IN ('active', 'disabled') AND expires_at IS NOT NULL;

-- Rotation runs: one row per rotation, advanced one idempotent step per transaction
-- (started -> pending_created -> promoted -> retired), so a crash resumes where it stopped.
CREATE TABLE rotation_runs (
    id            text PRIMARY KEY,
    key_id        text        NOT NULL REFERENCES api_keys (id),
    successor_id  text,
    step          text        NOT NULL CHECK (step IN ('started', 'pending_created', 'promoted', 'retired')),
    trigger       text        NOT NULL CHECK (trigger IN ('schedule', 'manual')),
    grace_seconds integer     NOT NULL,
    grace_until   timestamptz,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    finished_at   timestamptz
);

CREATE UNIQUE INDEX rotation_runs_one_open_per_key ON rotation_runs (key_id) WHERE finished_at IS NULL;

-- Transactional outbox for openclaw.key.events (and the commands this service schedules).
CREATE TABLE outbox (
    id            bigserial PRIMARY KEY,
    event_id      text        NOT NULL UNIQUE,
    topic         text        NOT NULL,
    partition_key text        NOT NULL,
    event         text        NOT NULL,
    created_at    timestamptz NOT NULL
);

-- Recurring platform schedules (e.g. token-service's signing-key rotation).
CREATE TABLE schedules (
    name        text PRIMARY KEY,
    next_run_at timestamptz NOT NULL,
    last_run_at timestamptz
);

-- Commands already applied, so a redelivered command is a no-op.
CREATE TABLE processed_commands (
    event_id     text PRIMARY KEY,
    type         text        NOT NULL,
    processed_at timestamptz NOT NULL
);
