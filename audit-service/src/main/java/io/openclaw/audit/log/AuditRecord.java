package io.openclaw.audit.log;

import java.time.Instant;

/**
 * One stored audit record: the event's envelope and data, where it came from, and its link in the hash
 * chain of its Kafka topic partition. The W3C {@code traceparent} of the request that caused the event is kept
 * beside the record (not part of the hash: it is tracing metadata, not audit content).
 */
public record AuditRecord(
        long seq,
        String eventId,
        String type,
        String source,
        Instant time,
        String accountId,
        String actor,
        String subject,
        String outcome,
        String reason,
        String sourceIp,
        String userAgent,
        String data,
        String topic,
        int partition,
        long offset,
        String chain,
        long chainSeq,
        String prevHash,
        String hash,
        String traceparent) {

    /** The chain of a topic partition: {@code openclaw.pairing.events/0}. */
    public static String chainOf(String topic, int partition) {
        return topic + "/" + partition;
    }

    /** This record with its link in the chain set and its hash computed. */
    public AuditRecord link(long chainSeq, String prevHash) {
        AuditRecord linked = chained(chainSeq, prevHash, null);
        return linked.withHash(ChainHash.hash(linked));
    }

    AuditRecord withHash(String hash) {
        return chained(chainSeq, prevHash, hash);
    }

    private AuditRecord chained(long chainSeq, String prevHash, String hash) {
        return new AuditRecord(
                seq,
                eventId,
                type,
                source,
                time,
                accountId,
                actor,
                subject,
                outcome,
                reason,
                sourceIp,
                userAgent,
                data,
                topic,
                partition,
                offset,
                chain,
                chainSeq,
                prevHash,
                hash,
                traceparent);
    }
}
