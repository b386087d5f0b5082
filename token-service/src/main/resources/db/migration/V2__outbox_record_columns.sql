-- The outbox keeps each event as the parts of its Kafka record (binary-mode CloudEvent: ce_* headers, the
-- partition key, the data as JSON bytes), so the relay sends rows as they are without parsing JSON.
-- event_json stays for rows written before this version; the relay still reads those.
-- relay_owner is the replica that wrote the row: its relay publishes it at once (a fail-closed request on
-- that replica waits for it); other replicas' relays take it only when it is older than a few seconds.
ALTER TABLE outbox
    ALTER COLUMN event_json DROP NOT NULL,
    ADD COLUMN ce_source     TEXT,
    ADD COLUMN ce_type       TEXT,
    ADD COLUMN ce_time       TEXT,
    ADD COLUMN ce_subject    TEXT,
    ADD COLUMN partition_key TEXT,
    ADD COLUMN traceparent   TEXT,
    ADD COLUMN data          BYTEA,
    ADD COLUMN relay_owner   TEXT;

-- A rotation whose answer was refused by the fail-closed audit switch: the successor was never handed out,
-- so the client may present the rotated token again and gets that same successor (not reuse).
ALTER TABLE refresh_token ADD COLUMN undelivered BOOLEAN NOT NULL DEFAULT false;
