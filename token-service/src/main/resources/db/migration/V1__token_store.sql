-- Signing key ring. Private keys are AES-GCM encrypted under the key-encryption key (openclaw.token.kek).
-- States: next (published, not signing) -> active (signs) -> retiring (published until every token it
-- signed has expired) -> retired (gone from the JWKS).
CREATE TABLE signing_key (
    kid              TEXT PRIMARY KEY,
    alg              TEXT        NOT NULL CHECK (alg IN ('RS256', 'ES256')),
    state            TEXT        NOT NULL CHECK (state IN ('next', 'active', 'retiring', 'retired')),
    public_key       BYTEA       NOT NULL,
    private_key_enc  BYTEA       NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    activate_after   TIMESTAMPTZ,
    activated_at     TIMESTAMPTZ,
    retire_after     TIMESTAMPTZ,
    retired_at       TIMESTAMPTZ
);
CREATE UNIQUE INDEX signing_key_one_active ON signing_key (state) WHERE state = 'active';
CREATE UNIQUE INDEX signing_key_one_next ON signing_key (state) WHERE state = 'next';

-- One row per rotation request (command event id or admin request id): exactly one rotation each.
CREATE TABLE signing_key_rotation (
    request_id   TEXT PRIMARY KEY,
    actor        TEXT        NOT NULL,
    requested_at TIMESTAMPTZ NOT NULL,
    kid          TEXT REFERENCES signing_key (kid),
    outcome      TEXT        NOT NULL
);

CREATE TABLE device (
    id             TEXT PRIMARY KEY,
    account_id     TEXT        NOT NULL,
    name           TEXT        NOT NULL,
    scopes         TEXT[]      NOT NULL,
    grant_type     TEXT        NOT NULL,
    origin_id      TEXT        NOT NULL,
    state          TEXT        NOT NULL CHECK (state IN ('active', 'revoked')),
    created_at     TIMESTAMPTZ NOT NULL,
    revoked_at     TIMESTAMPTZ,
    revoked_reason TEXT
);
CREATE INDEX device_by_account ON device (account_id, created_at DESC);

-- A refresh-token family: one per device. origin_id is the pairing id (pc_...) or device authorization id
-- (da_...): a code can create at most one family.
CREATE TABLE refresh_family (
    id                  TEXT PRIMARY KEY,
    device_id           TEXT        NOT NULL UNIQUE REFERENCES device (id),
    account_id          TEXT        NOT NULL,
    origin_id           TEXT        NOT NULL UNIQUE,
    scopes              TEXT[]      NOT NULL,
    state               TEXT        NOT NULL CHECK (state IN ('active', 'revoked')),
    created_at          TIMESTAMPTZ NOT NULL,
    absolute_expires_at TIMESTAMPTZ NOT NULL,
    last_used_at        TIMESTAMPTZ NOT NULL,
    revoked_at          TIMESTAMPTZ,
    revoked_reason      TEXT
);
CREATE INDEX refresh_family_idle ON refresh_family (last_used_at) WHERE state = 'active';

-- Refresh tokens, stored only as SHA-256. A rotated token keeps its successor's hash; during the optional
-- reuse grace it also keeps the successor encrypted under the KEK so a retry gets the same successor.
CREATE TABLE refresh_token (
    token_hash     BYTEA PRIMARY KEY,
    family_id      TEXT        NOT NULL REFERENCES refresh_family (id),
    generation     INT         NOT NULL,
    state          TEXT        NOT NULL CHECK (state IN ('active', 'rotated')),
    created_at     TIMESTAMPTZ NOT NULL,
    rotated_at     TIMESTAMPTZ,
    successor_hash BYTEA,
    successor_enc  BYTEA,
    UNIQUE (family_id, generation)
);

-- Transactional outbox, relayed to Kafka and deleted once the broker acknowledged.
CREATE TABLE outbox (
    id         BIGSERIAL PRIMARY KEY,
    event_id   TEXT        NOT NULL UNIQUE,
    topic      TEXT        NOT NULL,
    event_json TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Consumed events (dedupe on the CloudEvents id).
CREATE TABLE processed_event (
    event_id     TEXT PRIMARY KEY,
    type         TEXT        NOT NULL,
    processed_at TIMESTAMPTZ NOT NULL
);
