-- An ingest batch's outbox row names the audit records whose SIEM copies it stands for (per chain, the first
-- and last link) instead of carrying the copies: the relay builds them from the records the writer handed it
-- after its commit, or reads the records back when it holds none for the row (after a restart, or when another
-- instance's relay took the row). The records are written once, not twice, and the row stays a few bytes.
-- Rows written before (records) are still relayed.
ALTER TABLE outbox ADD COLUMN audit_ranges TEXT;
ALTER TABLE outbox DROP CONSTRAINT outbox_payload_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_payload_check
    CHECK (event_json IS NOT NULL OR records IS NOT NULL OR audit_ranges IS NOT NULL);
