-- The audit log: every stored event once (unique event id), hash-chained per Kafka topic partition.
CREATE TABLE audit_record (
    seq             BIGSERIAL PRIMARY KEY,
    event_id        TEXT        NOT NULL,
    event_type      TEXT        NOT NULL,
    source          TEXT        NOT NULL,
    event_time      TIMESTAMPTZ NOT NULL,
    account_id      TEXT,
    actor           TEXT,
    subject         TEXT,
    outcome         TEXT        NOT NULL,
    reason          TEXT,
    source_ip       TEXT,
    user_agent      TEXT,
    -- the event's data as canonical JSON (sorted keys), exactly as it was hashed
    data            TEXT        NOT NULL,
    topic           TEXT        NOT NULL,
    kafka_partition INT         NOT NULL,
    kafka_offset    BIGINT      NOT NULL,
    chain           TEXT        NOT NULL,
    chain_seq       BIGINT      NOT NULL,
    prev_hash       CHAR(64)    NOT NULL,
    hash            CHAR(64)    NOT NULL,
    recorded_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT audit_record_event_id_key UNIQUE (event_id),
    CONSTRAINT audit_record_chain_seq_key UNIQUE (chain, chain_seq)
);
CREATE INDEX audit_record_account_seq ON audit_record (account_id, seq DESC);
CREATE INDEX audit_record_type_seq ON audit_record (event_type, seq DESC);
CREATE INDEX audit_record_subject_seq ON audit_record (subject, seq DESC);
CREATE INDEX audit_record_actor_seq ON audit_record (actor, seq DESC);
CREATE INDEX audit_record_time ON audit_record (event_time);

-- Where the writer is in each partition; advanced in the same transaction as the records it covers.
CREATE TABLE ingest_position (
    topic           TEXT   NOT NULL,
    kafka_partition INT    NOT NULL,
    next_offset     BIGINT NOT NULL,
    PRIMARY KEY (topic, kafka_partition)
);

-- Successful API-key verifications, counted per key, minute, outcome and network.
CREATE TABLE key_usage_rollup (
    key_id     TEXT        NOT NULL,
    minute     TIMESTAMPTZ NOT NULL,
    outcome    TEXT        NOT NULL,
    network    TEXT        NOT NULL,
    account_id TEXT,
    count      BIGINT      NOT NULL,
    PRIMARY KEY (key_id, minute, outcome, network)
);
CREATE INDEX key_usage_rollup_account ON key_usage_rollup (account_id, minute);

-- Alerts raised by the detection rules, with their handling state.
CREATE TABLE alert (
    seq             BIGSERIAL PRIMARY KEY,
    id              TEXT        NOT NULL UNIQUE,
    event_id        TEXT        NOT NULL,
    account_id      TEXT,
    rule            TEXT        NOT NULL,
    severity        TEXT        NOT NULL,
    subject         TEXT        NOT NULL,
    summary         TEXT,
    evidence        TEXT        NOT NULL,
    status          TEXT        NOT NULL DEFAULT 'open',
    raised_at       TIMESTAMPTZ NOT NULL,
    acknowledged_at TIMESTAMPTZ,
    acknowledged_by TEXT,
    resolved_at     TIMESTAMPTZ,
    resolved_by     TEXT,
    CONSTRAINT alert_status_check CHECK (status IN ('open', 'acknowledged', 'resolved'))
);
CREATE INDEX alert_account_seq ON alert (account_id, seq DESC);

-- Events to publish, written in the same transaction as the change they announce.
CREATE TABLE outbox (
    id         BIGSERIAL PRIMARY KEY,
    topic      TEXT        NOT NULL,
    event_key  TEXT        NOT NULL,
    event_json TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
