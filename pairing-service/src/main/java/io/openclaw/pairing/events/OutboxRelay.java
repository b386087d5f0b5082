package io.openclaw.pairing.events;

import io.openclaw.events.CloudEvent;
import io.openclaw.events.CloudEventJson;
import io.openclaw.events.EventType;
import io.openclaw.events.KafkaCloudEvents;
import io.openclaw.pairing.config.PairingConfig;
import io.openclaw.pairing.store.PairingStore;
import io.openclaw.pairing.store.Script;
import io.openclaw.pairing.store.StoreUnavailableException;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Relays the Redis-stream outbox to Kafka ({@code acks=all}, idempotent producer). An entry is deleted from
 * the stream only after the broker acknowledged it, so a crash or a broker outage re-sends, never loses;
 * the event id travels with the entry, so consumers drop the duplicates. One instance relays at a time
 * (a lease in Redis).
 */
@ApplicationScoped
public class OutboxRelay {

    private final PairingStore store;
    private final PairingConfig.Outbox config;
    private final String bootstrapServers;
    private final String holder = UUID.randomUUID().toString();
    private KafkaProducer<String, byte[]> producer;
    private ScheduledExecutorService executor;

    public OutboxRelay(
            PairingStore store,
            PairingConfig config,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        this.store = store;
        this.config = config.outbox();
        this.bootstrapServers = bootstrapServers;
    }

    void start(@Observes StartupEvent event) {
        if (!config.relayEnabled()) {
            return;
        }
        long every = Math.max(10, config.relayInterval().toMillis());
        executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "pairing-outbox-relay");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(this::drain, every, every, TimeUnit.MILLISECONDS);
    }

    /** Relays until the stream is empty or a batch could not be delivered. */
    void drain() {
        try {
            while (relayBatch() >= config.batchSize()) {
                // a full batch: more are waiting
            }
        } catch (StoreUnavailableException e) {
            Log.debug("outbox relay paused: Redis unavailable");
        } catch (RuntimeException e) {
            Log.warnf("outbox relay round failed: %s", e.toString());
        }
    }

    /** Relays up to one batch; returns how many entries were delivered and removed from the stream. */
    public synchronized int relayBatch() {
        if (!holdsLease()) {
            return 0;
        }
        Response range = store.command("XRANGE", stream(), "-", "+", "COUNT", String.valueOf(config.batchSize()));
        if (range == null || range.size() == 0) {
            return 0;
        }
        List<String> entryIds = new ArrayList<>(range.size());
        List<Future<?>> sends = new ArrayList<>(range.size());
        for (int i = 0; i < range.size(); i++) {
            Response entry = range.get(i);
            String entryId = entry.get(0).toString();
            CloudEvent event = parse(entryId, entry.get(1));
            entryIds.add(entryId);
            if (event == null) {
                sends.add(null);
                continue;
            }
            try {
                sends.add(producer().send(KafkaCloudEvents.toRecord(event)));
            } catch (RuntimeException e) {
                Log.warnf("outbox relay: broker refused %s (%s); will retry", entryId, e.getMessage());
                break;
            }
        }
        List<String> delivered = new ArrayList<>(sends.size());
        for (int i = 0; i < sends.size(); i++) {
            Future<?> send = sends.get(i);
            try {
                if (send != null) {
                    send.get(config.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
                }
                delivered.add(entryIds.get(i));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Exception e) {
                Log.warnf("outbox relay: %s not acknowledged (%s); will retry", entryIds.get(i), e.getMessage());
                break;
            }
        }
        if (!delivered.isEmpty()) {
            List<String> args = new ArrayList<>(delivered.size() + 1);
            args.add(stream());
            args.addAll(delivered);
            store.command("XDEL", args.toArray(String[]::new));
        }
        return delivered.size();
    }

    /** Entries waiting to be relayed. */
    public long pending() {
        Response length = store.command("XLEN", stream());
        return length == null ? 0 : length.toLong();
    }

    private CloudEvent parse(String entryId, Response fields) {
        String json = null;
        for (int i = 0; i + 1 < fields.size(); i += 2) {
            if ("event".equals(fields.get(i).toString())) {
                json = fields.get(i + 1).toString();
            }
        }
        try {
            CloudEvent stored = CloudEventJson.fromJson(json);
            EventType type = EventType.of(stored.type())
                    .orElseThrow(() -> new IllegalArgumentException("unknown type " + stored.type()));
            // rebuilt through the builder, so the secret guard sees every published event
            return CloudEvent.builder(type)
                    .id(stored.id())
                    .source(stored.source())
                    .time(stored.time())
                    .subject(stored.subject())
                    .partitionKey(stored.partitionKey())
                    .data(stored.data())
                    .build();
        } catch (RuntimeException e) {
            Log.errorf(
                    "outbox entry %s is not a publishable event (%s); moved to the dead-letter stream",
                    entryId, e.getMessage());
            store.command("XADD", stream() + ":dead", "*", "entry", entryId, "error", String.valueOf(e.getMessage()));
            return null;
        }
    }

    private boolean holdsLease() {
        List<String> reply = store.run(
                Script.RELAY_LEASE,
                List.of(holder, String.valueOf(config.lease().toMillis())));
        return "1".equals(reply.get(0));
    }

    private String stream() {
        return store.prefix() + "outbox";
    }

    private synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            Map<String, Object> settings = Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    bootstrapServers,
                    ProducerConfig.ACKS_CONFIG,
                    "all",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                    true,
                    ProducerConfig.CLIENT_ID_CONFIG,
                    "pairing-service-outbox",
                    ProducerConfig.LINGER_MS_CONFIG,
                    1,
                    ProducerConfig.MAX_BLOCK_MS_CONFIG,
                    5_000,
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                    5_000,
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                    (int) config.sendTimeout().toMillis());
            producer = new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    void stop(@Observes ShutdownEvent event) {
        if (executor != null) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(10, TimeUnit.SECONDS);
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
            current.close(java.time.Duration.ofSeconds(5));
        }
    }
}
