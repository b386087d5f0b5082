package io.openclaw.audit.log;

import io.openclaw.audit.log.IngestBatch.Incoming;
import io.openclaw.audit.log.IngestBatch.RollupKey;
import io.openclaw.events.CloudEvent;
import io.openclaw.events.CloudEventJson.MalformedEventException;
import io.openclaw.events.EventFields;
import io.openclaw.events.EventType;
import io.openclaw.events.KafkaCloudEvents;
import io.openclaw.events.Outcome;
import io.quarkus.logging.Log;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * The audit log writer: a Kafka consumer loop on its own thread. Each poll becomes one database
 * transaction; Kafka offsets are committed only after it. The partition positions stored in that same
 * transaction are what the writer resumes from, so a crash at any point loses nothing and stores nothing
 * twice. Malformed, unknown and invalid events go to the dead-letter topic and never stop the loop.
 */
public final class AuditIngestor implements Runnable {

    /** How the loop paces itself. */
    public record Settings(List<String> topics, Duration pollTimeout, Duration retryBackoff) {}

    private final org.apache.kafka.clients.consumer.Consumer<String, byte[]> consumer;
    private final Settings settings;
    private final AuditStore store;
    private final EventCheck check;
    private final DeadLetters deadLetters;
    private final IngestFaults faults;
    private final Consumer<StoredBatch> onStored;
    private final Map<TopicPartition, Long> positions = new HashMap<>();
    private volatile boolean running = true;

    public AuditIngestor(
            org.apache.kafka.clients.consumer.Consumer<String, byte[]> consumer,
            Settings settings,
            AuditStore store,
            EventCheck check,
            DeadLetters deadLetters,
            IngestFaults faults,
            Consumer<StoredBatch> onStored) {
        this.consumer = consumer;
        this.settings = settings;
        this.store = store;
        this.check = check;
        this.deadLetters = deadLetters;
        this.faults = faults;
        this.onStored = onStored;
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(settings.topics(), new Rebalance());
            while (running) {
                ConsumerRecords<String, byte[]> records = null;
                try {
                    records = consumer.poll(settings.pollTimeout());
                    if (!records.isEmpty()) {
                        ingest(records);
                    }
                } catch (WakeupException e) {
                    throw e;
                } catch (AuditStore.PositionConflict e) {
                    Log.warn(e.getMessage());
                    resume(consumer.assignment());
                } catch (RuntimeException | java.sql.SQLException e) {
                    Log.errorf(
                            "audit batch of %d records not stored, retrying: %s",
                            records == null ? 0 : records.count(), e.toString());
                    if (records != null) {
                        rewind(records);
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(
                            settings.retryBackoff().toMillis()));
                }
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Stops the loop after the batch in progress. */
    public void stop() {
        running = false;
        consumer.wakeup();
    }

    private void ingest(ConsumerRecords<String, byte[]> records) throws java.sql.SQLException {
        IngestBatch batch = new IngestBatch();
        for (ConsumerRecord<String, byte[]> record : records) {
            batch.advance(new TopicPartition(record.topic(), record.partition()), record.offset());
            CloudEvent event;
            try {
                event = KafkaCloudEvents.fromRecord(record);
            } catch (MalformedEventException e) {
                deadLetters.send(record, "malformed", e.getMessage());
                continue;
            } catch (RuntimeException e) {
                deadLetters.send(record, "malformed", e.getClass().getSimpleName());
                continue;
            }
            var refusal = check.refusal(event);
            if (refusal.isPresent()) {
                deadLetters.send(record, refusal.get().reason(), refusal.get().detail());
                continue;
            }
            if (isRolledUp(event)) {
                batch.rollUp(rollupKey(event));
            } else {
                batch.store(new Incoming(event, record.topic(), record.partition(), record.offset()));
            }
        }
        deadLetters.flush();
        StoredBatch stored = store.write(batch, positions, faults);
        faults.afterCommit();
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        batch.nextOffsets.forEach((tp, next) -> commit.put(tp, new OffsetAndMetadata(next)));
        // the positions stored with the batch are what a writer resumes from; the group's offsets only follow
        // them (for lag monitoring, and for a partition without a stored position), so the next poll need not
        // wait for the broker's answer
        consumer.commitAsync(commit, (offsets, failure) -> {
            if (failure != null) {
                Log.debugf("offset commit not taken (%s); the stored positions stand", failure.toString());
            }
        });
        if (!stored.isEmpty()) {
            onStored.accept(stored);
        }
    }

    /** Successful key verifications are only counted; every rejection is stored on its own. */
    static boolean isRolledUp(CloudEvent event) {
        return EventType.KEY_USED.type().equals(event.type()) && event.outcome() == Outcome.SUCCESS;
    }

    static RollupKey rollupKey(CloudEvent event) {
        String keyId = event.string(EventFields.KEY_ID);
        String network = event.string(EventFields.NETWORK);
        if (network == null) {
            network = Networks.networkOf(event.sourceIp());
        }
        return new RollupKey(
                keyId,
                event.time().truncatedTo(ChronoUnit.MINUTES),
                event.outcome().wire(),
                network == null ? "" : network,
                event.accountId());
    }

    private void rewind(ConsumerRecords<String, byte[]> records) {
        for (TopicPartition tp : records.partitions()) {
            if (!consumer.assignment().contains(tp)) {
                continue;
            }
            long known = positions.getOrDefault(tp, AuditStore.NO_POSITION);
            long first = records.records(tp).get(0).offset();
            consumer.seek(tp, known == AuditStore.NO_POSITION ? first : known);
        }
    }

    private void resume(Collection<TopicPartition> partitions) {
        store.forgetChains();
        Map<TopicPartition, Long> stored = store.positions(partitions);
        positions.putAll(stored);
        stored.forEach((tp, next) -> {
            if (next != AuditStore.NO_POSITION) {
                consumer.seek(tp, next);
            } else {
                OffsetAndMetadata committed =
                        consumer.committed(java.util.Set.of(tp)).get(tp);
                if (committed != null) {
                    consumer.seek(tp, committed.offset());
                } else {
                    consumer.seekToBeginning(List.of(tp));
                }
            }
        });
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                resume(partitions);
                Log.infof("audit writer owns %s", partitions);
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            partitions.forEach(positions::remove);
            store.forgetChains();
        }
    }
}
