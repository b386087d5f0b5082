package io.openclaw.audit.log;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.openclaw.audit.config.AuditConfig;
import io.openclaw.audit.outbox.OutboxRelay;
import io.openclaw.events.delivery.ProducerSettings;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Runs the audit log writers ({@link AuditIngestor}), each on its own thread with its own consumer of the
 * writers' group, while the application runs.
 */
@ApplicationScoped
public class IngestLoop {

    private final AuditConfig config;
    private final DataSource dataSource;
    private final MeterRegistry registry;
    private final OutboxRelay relay;
    private final Map<String, Object> kafka;
    private final List<AuditIngestor> ingestors = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private KafkaProducer<String, byte[]> deadLetterProducer;

    public IngestLoop(
            AuditConfig config,
            DataSource dataSource,
            MeterRegistry registry,
            OutboxRelay relay,
            @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.config = config;
        this.dataSource = dataSource;
        this.registry = registry;
        this.relay = relay;
        this.kafka = kafka;
    }

    void start(@Observes StartupEvent start) {
        if (!config.ingest().enabled()) {
            Log.info("audit log writer disabled");
            return;
        }
        deadLetterProducer =
                new KafkaProducer<>(producerConfig(kafka), new StringSerializer(), new ByteArraySerializer());
        Counter storedRecords = Counter.builder("openclaw.audit.records.stored")
                .description("Events stored in the audit log")
                .register(registry);
        for (int i = 1; i <= config.ingest().writers(); i++) {
            Map<String, Object> consumerConfig = consumerConfig(
                    kafka,
                    config.ingest().groupId(),
                    config.ingest().maxBatch(),
                    config.ingest().fetchMinBytes(),
                    config.ingest().fetchMaxWait());
            consumerConfig.put(ConsumerConfig.CLIENT_ID_CONFIG, "audit-log-writer-" + i);
            AuditIngestor ingestor = new AuditIngestor(
                    new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer()),
                    new AuditIngestor.Settings(
                            config.ingest().topics(),
                            config.ingest().pollTimeout(),
                            config.ingest().retryBackoff()),
                    new AuditStore(dataSource),
                    new EventCheck(),
                    new DeadLetters(deadLetterProducer, registry),
                    IngestFaults.NONE,
                    stored -> {
                        storedRecords.increment(stored.records().size());
                        relay.handOff(stored);
                    });
            Thread thread = new Thread(ingestor, "audit-log-writer-" + i);
            thread.setDaemon(true);
            ingestors.add(ingestor);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
    }

    void stop(@Observes ShutdownEvent stop) {
        if (ingestors.isEmpty()) {
            return;
        }
        ingestors.forEach(AuditIngestor::stop);
        try {
            for (Thread thread : threads) {
                thread.join(10_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deadLetterProducer.close();
    }

    /** Whether every writer thread is alive (false when disabled). */
    public boolean running() {
        return !threads.isEmpty() && threads.stream().allMatch(Thread::isAlive);
    }

    /** Consumer settings of the writer: manual commits, committed reads only, bounded batches. */
    public static Map<String, Object> consumerConfig(String bootstrapServers, String groupId, int maxBatch) {
        return consumerConfig(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), groupId, maxBatch);
    }

    /**
     * Consumer settings on top of every {@code kafka.*} property of the application (bootstrap servers,
     * SASL, TLS), so the writer connects like every other client of the service.
     */
    public static Map<String, Object> consumerConfig(Map<String, Object> kafka, String groupId, int maxBatch) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxBatch);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "audit-log-writer");
        return props;
    }

    /**
     * As {@link #consumerConfig(Map, String, int)}, and the broker answers a fetch only when it has
     * {@code fetchMinBytes} or {@code fetchMaxWait} passed: larger batches, fewer requests.
     */
    public static Map<String, Object> consumerConfig(
            Map<String, Object> kafka, String groupId, int maxBatch, int fetchMinBytes, Duration fetchMaxWait) {
        Map<String, Object> props = consumerConfig(kafka, groupId, maxBatch);
        props.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, fetchMinBytes);
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, (int) fetchMaxWait.toMillis());
        return props;
    }

    /**
     * Producer settings: every send acknowledged by all in-sync replicas, idempotent, LZ4 ({@link
     * ProducerSettings}).
     */
    public static Map<String, Object> producerConfig(String bootstrapServers) {
        return producerConfig(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /** Producer settings on top of every {@code kafka.*} property of the application. */
    public static Map<String, Object> producerConfig(Map<String, Object> kafka) {
        Map<String, Object> props = ProducerSettings.reliable(kafka, "audit-service");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        return props;
    }
}
