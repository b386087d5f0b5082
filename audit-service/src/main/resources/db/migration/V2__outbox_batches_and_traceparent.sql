-- The W3C traceparent of the request that caused an event, so a trace can be followed into the audit log.
-- Tracing metadata only: it is not part of the hash chain.
ALTER TABLE audit_record ADD COLUMN traceparent TEXT;

-- One outbox row can carry the SIEM copies of a whole ingest batch as ready-to-send Kafka records
-- (records, see OutboxBatch), instead of one JSON row per record; alert state changes keep event_json.
ALTER TABLE outbox ALTER COLUMN event_json DROP NOT NULL;
ALTER TABLE outbox ADD COLUMN records BYTEA;
ALTER TABLE outbox ADD COLUMN record_count INT NOT NULL DEFAULT 1;
ALTER TABLE outbox ADD CONSTRAINT outbox_payload_check CHECK (event_json IS NOT NULL OR records IS NOT NULL);
