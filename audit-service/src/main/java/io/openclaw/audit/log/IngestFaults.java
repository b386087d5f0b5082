package io.openclaw.audit.log;

/**
 * Points in the ingest cycle where a test can make the writer die as a killed process would. Production
 * code uses {@link #NONE}.
 */
public interface IngestFaults {

    IngestFaults NONE = new IngestFaults() {};

    /** The batch is written but its transaction not yet committed. */
    default void beforeCommit() {}

    /** The transaction is committed but the Kafka offsets are not. */
    default void afterCommit() {}
}
