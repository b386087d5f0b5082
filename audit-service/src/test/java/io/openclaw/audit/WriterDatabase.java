package io.openclaw.audit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.openclaw.audit.log.AuditIngestor;
import io.openclaw.audit.log.AuditStore;
import io.openclaw.audit.log.DeadLetters;
import io.openclaw.audit.log.EventCheck;
import io.openclaw.audit.log.IngestFaults;
import io.openclaw.audit.log.IngestLoop;
import io.openclaw.audit.log.StoredBatch;
import io.openclaw.testing.KafkaBroker;
import io.openclaw.testing.PostgresResource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A database of its own with audit-service's schema, and audit log writers over it against the shared broker,
 * for tests that drive the writer without the application. Closing it drops the database.
 */
final class WriterDatabase implements AutoCloseable {

    private final String name;
    private final PGSimpleDataSource dataSource = new PGSimpleDataSource();
    private final KafkaProducer<String, byte[]> deadLetters = new KafkaProducer<>(
            IngestLoop.producerConfig(KafkaBroker.shared().bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer());

    private WriterDatabase(String name) {
        this.name = name;
        dataSource.setURL(PostgresResource.jdbcUrl(name));
        dataSource.setUser("postgres");
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }

    static WriterDatabase create(String prefix) {
        return new WriterDatabase(PostgresResource.createDatabase(prefix));
    }

    PGSimpleDataSource dataSource() {
        return dataSource;
    }

    /** A writer of {@code topic} in {@code group}, polling at most {@code maxBatch} records at a time. */
    AuditIngestor writer(
            String topic, String group, int maxBatch, IngestFaults faults, Consumer<StoredBatch> onStored) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                IngestLoop.consumerConfig(KafkaBroker.shared().bootstrapServers(), group, maxBatch),
                new StringDeserializer(),
                new ByteArrayDeserializer());
        return new AuditIngestor(
                consumer,
                new AuditIngestor.Settings(List.of(topic), Duration.ofMillis(100), Duration.ofMillis(100)),
                new AuditStore(dataSource),
                new EventCheck(),
                new DeadLetters(deadLetters, new SimpleMeterRegistry()),
                faults,
                onStored);
    }

    /** The single number a query answers. */
    long count(String sql) throws Exception {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public void close() {
        deadLetters.close(Duration.ofSeconds(5));
        PostgresResource.dropDatabase(name);
    }
}
