package io.openclaw.pairing.events;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.openclaw.events.CloudEvent;
import io.openclaw.events.CloudEventJson;
import io.openclaw.events.EventType;
import io.openclaw.events.KafkaCloudEvents;
import io.openclaw.events.MetricNames;
import io.openclaw.events.Topics;
import io.openclaw.events.delivery.DeliveryTracker;
import io.openclaw.events.delivery.ProducerSettings;
import io.openclaw.pairing.config.PairingConfig;
import io.openclaw.pairing.store.PairingStore;
import io.openclaw.pairing.store.Script;
import io.openclaw.pairing.store.StoreUnavailableException;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Relays the Redis-stream outbox to Kafka ({@code acks=all}, idempotent producer). An entry is deleted from
 * the stream only after the broker acknowledged it, so a crash or a broker outage re-sends, never loses;
 * the event id travels with the entry, so consumers drop the duplicates. One instance relays at a time
 * (a lease in Redis).
 *
 * <p>The relay blocks on the stream ({@code XREAD BLOCK}) instead of polling, reads up to a batch per call,
 * sends each entry as it is stored (the scripts write the CloudEvent attributes as fields and the data as
 * JSON, every caller-controlled value having passed the secret guard before the script ran), and deletes
 * the acknowledged entries with one {@code XDEL}. Each acknowledgement is reported to the
 * {@link DeliveryTracker} for the fail-closed audit switch.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final String SERVICE = "pairing-service";
    private static final byte[] SPEC_VERSION = bytes(CloudEvent.SPEC_VERSION);
    private static final byte[] SOURCE = bytes("/" + SERVICE);
    private static final byte[] CONTENT_TYPE = bytes(CloudEvent.DATA_CONTENT_TYPE);

    private final PairingStore store;
    private final PairingConfig.Outbox config;
    private final Map<String, Object> kafka;
    private final DeliveryTracker tracker;
    private final String holder = UUID.randomUUID().toString();
    private final String stream;
    private final String count;
    private KafkaProducer<String, byte[]> producer;
    private long leaseRenewDue;
    private volatile long oldestPendingMillis;
    private volatile boolean running;
    private Thread thread;

    public OutboxRelay(
            PairingStore store,
            PairingConfig config,
            @Identifier("default-kafka-broker") Map<String, Object> kafka,
            DeliveryTracker tracker,
            MeterRegistry meters) {
        this.store = store;
        this.config = config.outbox();
        this.kafka = Map.copyOf(kafka);
        this.tracker = tracker;
        this.stream = store.prefix() + "outbox";
        this.count = String.valueOf(this.config.batchSize());
        Gauge.builder(MetricNames.OUTBOX_LAG, this, OutboxRelay::lagSeconds)
                .baseUnit("seconds")
                .description("age of the oldest outbox event not yet acknowledged by Kafka")
                .tag("service", SERVICE)
                .register(meters);
    }

    void start(@Observes StartupEvent event) {
        if (!config.relayEnabled()) {
            return;
        }
        running = true;
        thread = new Thread(this::run, "pairing-outbox-relay");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        long interval = Math.max(10, config.relayInterval().toMillis());
        connect();
        while (running) {
            try {
                if (!relayRound(interval)) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(interval));
                }
            } catch (StoreUnavailableException e) {
                Log.debug("outbox relay paused: Redis unavailable");
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(interval));
            } catch (RuntimeException e) {
                Log.warnf("outbox relay round failed: %s", e.toString());
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(interval));
            }
        }
    }

    /** Connects the producer before the first event, so the first request does not wait for it. */
    private void connect() {
        try {
            producer().partitionsFor(Topics.PAIRING_EVENTS);
        } catch (RuntimeException e) {
            Log.debugf("outbox relay: the broker is not reachable yet (%s)", e.toString());
        }
    }

    /** One round of the background loop; false when the relay should pause (no lease, failed publish). */
    private synchronized boolean relayRound(long blockMillis) {
        if (!running || !holdsLease()) {
            return false;
        }
        return relay(blockMillis) >= 0;
    }

    /** Relays up to one batch without waiting; returns how many entries were delivered and removed. */
    public synchronized int relayBatch() {
        if (!holdsLease()) {
            return 0;
        }
        return Math.max(0, relay(0));
    }

    /** Entries waiting to be relayed. */
    public long pending() {
        Response length = store.command("XLEN", stream);
        return length == null ? 0 : length.toLong();
    }

    /** Age of the oldest entry this relay has read and Kafka has not acknowledged yet; 0 when none. */
    double lagSeconds() {
        long oldest = oldestPendingMillis;
        return oldest == 0 ? 0 : Math.max(0, System.currentTimeMillis() - oldest) / 1000.0;
    }

    /**
     * Reads the oldest entries (blocking up to {@code blockMillis} for new ones when the stream is empty),
     * publishes them and deletes the acknowledged ones. Returns the number delivered, or -1 when a publish
     * failed (the rest stays in the stream for the next round).
     */
    private int relay(long blockMillis) {
        // entries are deleted once delivered, so everything in the stream is pending: read from its start
        Response reply = blockMillis > 0
                ? store.command("XREAD", "COUNT", count, "BLOCK", String.valueOf(blockMillis), "STREAMS", stream, "0-0")
                : store.command("XREAD", "COUNT", count, "STREAMS", stream, "0-0");
        Response entries = entries(reply);
        if (entries == null || entries.size() == 0) {
            oldestPendingMillis = 0;
            return 0;
        }
        int size = entries.size();
        oldestPendingMillis = millisOf(entries.get(0).get(0).toString());
        String[] entryIds = new String[size];
        String[] eventIds = new String[size];
        List<Future<?>> sends = new ArrayList<>(size);
        boolean refused = false;
        for (int i = 0; i < size; i++) {
            Response entry = entries.get(i);
            entryIds[i] = entry.get(0).toString();
            ProducerRecord<String, byte[]> record = record(entryIds[i], entry.get(1), eventIds, i);
            if (record == null) {
                sends.add(null); // moved to the dead-letter stream: delete it too
                continue;
            }
            try {
                String eventId = eventIds[i];
                sends.add(producer().send(record, (metadata, error) -> {
                    if (error == null) {
                        tracker.delivered(eventId);
                    }
                }));
            } catch (RuntimeException e) {
                Log.warnf("outbox relay: broker refused %s (%s); will retry", entryIds[i], e.getMessage());
                tracker.failed(e);
                refused = true;
                break;
            }
        }
        List<String> delete = new ArrayList<>(sends.size() + 1);
        delete.add(stream);
        long deadline = System.nanoTime() + config.sendTimeout().toNanos();
        long firstPending = 0;
        for (int i = 0; i < sends.size(); i++) {
            if (awaitAck(sends.get(i), entryIds[i], deadline)) {
                delete.add(entryIds[i]);
            } else {
                refused = true;
                if (firstPending == 0) {
                    firstPending = millisOf(entryIds[i]);
                }
            }
        }
        if (!refused && sends.size() < size) {
            refused = true;
        }
        if (refused && firstPending == 0 && sends.size() < size) {
            firstPending = millisOf(entryIds[sends.size()]);
        }
        if (delete.size() > 1) {
            store.command("XDEL", delete.toArray(String[]::new));
        }
        oldestPendingMillis = firstPending;
        if (refused) {
            // sends that timed out may still sit in the producer behind a broken connection or an expired
            // idempotence sequence: the next round starts with a fresh producer (entries are sent again;
            // consumers are idempotent on the event id)
            discardProducer();
        }
        return refused ? -1 : delete.size() - 1;
    }

    private synchronized void discardProducer() {
        if (producer != null) {
            producer.close(Duration.ZERO);
            producer = null;
        }
    }

    private boolean awaitAck(Future<?> send, String entryId, long deadline) {
        if (send == null) {
            return true;
        }
        try {
            send.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            Log.warnf("outbox relay: %s not acknowledged (%s); will retry", entryId, cause.toString());
            tracker.failed(cause);
            return false;
        }
    }

    /** The entries of an XREAD reply (RESP2: [[stream, entries]]; RESP3: {stream: entries}), or null. */
    private Response entries(Response reply) {
        if (reply == null || reply.size() == 0) {
            return null;
        }
        if (reply.isMap()) {
            return reply.get(stream);
        }
        return reply.get(0).get(1);
    }

    /** The Kafka record of an outbox entry, or null when it is not publishable (then dead-lettered). */
    private ProducerRecord<String, byte[]> record(String entryId, Response fields, String[] eventIds, int index) {
        Map<String, Response> values = fields(fields);
        Response legacy = values.get("event");
        try {
            if (legacy != null) {
                CloudEvent event = legacy(legacy.toString());
                eventIds[index] = event.id();
                return KafkaCloudEvents.toRecord(event);
            }
            String id = required(values, "id");
            String type = required(values, "type");
            String topic = EventType.of(type)
                    .map(EventType::topic)
                    .orElseThrow(() -> new IllegalArgumentException("unknown type " + type));
            String partitionKey = required(values, "partitionkey");
            RecordHeaders headers = new RecordHeaders();
            headers.add("ce_specversion", SPEC_VERSION);
            headers.add("ce_id", bytes(id));
            headers.add("ce_source", SOURCE);
            headers.add("ce_type", bytes(type));
            headers.add("ce_time", bytes(required(values, "time")));
            headers.add("ce_subject", bytes(required(values, "subject")));
            headers.add("ce_partitionkey", bytes(partitionKey));
            Response traceparent = values.get("traceparent");
            if (traceparent != null && !traceparent.toString().isEmpty()) {
                headers.add("ce_traceparent", traceparent.toBytes());
            }
            headers.add(KafkaCloudEvents.CONTENT_TYPE, CONTENT_TYPE);
            Response data = values.get("data");
            if (data == null) {
                throw new IllegalArgumentException("no data");
            }
            eventIds[index] = id;
            return new ProducerRecord<>(topic, null, partitionKey, data.toBytes(), headers);
        } catch (RuntimeException e) {
            Log.errorf(
                    "outbox entry %s is not a publishable event (%s); moved to the dead-letter stream",
                    entryId, e.getMessage());
            store.command("XADD", stream + ":dead", "*", "entry", entryId, "error", String.valueOf(e.getMessage()));
            return null;
        }
    }

    private static Map<String, Response> fields(Response fields) {
        Map<String, Response> values = new HashMap<>(16);
        if (fields.isMap()) {
            for (String key : fields.getKeys()) {
                values.put(key, fields.get(key));
            }
            return values;
        }
        for (int i = 0; i + 1 < fields.size(); i += 2) {
            values.put(fields.get(i).toString(), fields.get(i + 1));
        }
        return values;
    }

    private static String required(Map<String, Response> values, String name) {
        Response value = values.get(name);
        if (value == null || value.toString().isEmpty()) {
            throw new IllegalArgumentException("no " + name);
        }
        return value.toString();
    }

    /** An entry written before events were stored field by field: a whole CloudEvent as JSON. */
    private static CloudEvent legacy(String json) {
        CloudEvent stored = CloudEventJson.fromJson(json);
        EventType type = EventType.of(stored.type())
                .orElseThrow(() -> new IllegalArgumentException("unknown type " + stored.type()));
        // rebuilt through the builder, so the secret guard sees it: its values were not checked when written
        return CloudEvent.builder(type)
                .id(stored.id())
                .source(stored.source())
                .time(stored.time())
                .subject(stored.subject())
                .partitionKey(stored.partitionKey())
                .traceparent(stored.traceparent())
                .data(stored.data())
                .build();
    }

    private boolean holdsLease() {
        long now = System.nanoTime();
        if (leaseRenewDue != 0 && now - leaseRenewDue < 0) {
            return true;
        }
        List<String> reply = store.run(
                Script.RELAY_LEASE,
                List.of(holder, String.valueOf(config.lease().toMillis())));
        if ("1".equals(reply.get(0))) {
            // renewed well before it lapses, so another instance never takes over a live relay
            leaseRenewDue = now + config.lease().toNanos() / 3;
            return true;
        }
        leaseRenewDue = 0;
        oldestPendingMillis = 0;
        return false;
    }

    private static long millisOf(String entryId) {
        int dash = entryId.indexOf('-');
        try {
            return Long.parseLong(dash < 0 ? entryId : entryId.substring(0, dash));
        } catch (NumberFormatException e) {
            return System.currentTimeMillis();
        }
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    private synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            // every kafka.* setting (security.protocol, sasl.*, ssl.*), then what the outbox needs
            Map<String, Object> settings = ProducerSettings.reliable(kafka, "pairing-service-outbox");
            // a batch read from the stream goes out in one request per partition
            settings.put(ProducerConfig.LINGER_MS_CONFIG, 1);
            settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
            settings.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
            settings.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int)
                    Math.max(5_001, config.sendTimeout().toMillis()));
            producer = new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(config.relayInterval().plusSeconds(10).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        KafkaProducer<String, byte[]> current;
        synchronized (this) {
            current = producer;
            producer = null;
        }
        if (current != null) {
            current.close(Duration.ofSeconds(5));
        }
    }
}
