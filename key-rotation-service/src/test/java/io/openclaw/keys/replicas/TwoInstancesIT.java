package io.openclaw.keys.replicas;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.openclaw.events.CloudEvent;
import io.openclaw.events.EventType;
import io.openclaw.events.KafkaCloudEvents;
import io.openclaw.events.Topics;
import io.openclaw.keys.rotation.ScheduledWork;
import io.openclaw.keys.support.Api;
import io.openclaw.keys.support.SecondInstance;
import io.openclaw.keys.support.TcpProxy;
import io.openclaw.testing.EventTap;
import io.openclaw.testing.JwtResource;
import io.openclaw.testing.KafkaBroker;
import io.openclaw.testing.KafkaResource;
import io.openclaw.testing.PostgresResource;
import io.openclaw.testing.RedisResource;
import io.quarkus.scheduler.Scheduler;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two replicas: this application and the packaged service as a child process, sharing PostgreSQL (the
 * second one through a proxy the test can cut), Redis and the broker.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = JwtResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoInstancesIT {

    private static TcpProxy postgresProxy;
    private static SecondInstance second;

    @Inject
    DataSource dataSource;

    @Inject
    ScheduledWork scheduledWork;

    @Inject
    Scheduler scheduler;

    @AfterAll
    static void stopSecondInstance() {
        if (second != null) {
            second.close();
        }
        if (postgresProxy != null) {
            postgresProxy.close();
        }
    }

    private static SecondInstance second() throws Exception {
        if (second == null) {
            String jdbcUrl = ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class);
            URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
            postgresProxy = new TcpProxy(uri.getHost(), uri.getPort());
            String proxied = "jdbc:postgresql://127.0.0.1:" + postgresProxy.port() + uri.getPath();
            second = SecondInstance.start(proxied, Map.of("openclaw.keys.verification.cache-ttl", "60s"));
        }
        return second;
    }

    private static RequestSpecification onSecond() throws Exception {
        URI base = URI.create(second().baseUri());
        return given().baseUri("http://" + base.getHost()).port(base.getPort());
    }

    @Test
    @Order(1)
    void aKeyRevokedOnOneInstanceStopsVerifyingOnTheOtherWithinASecond() throws Exception {
        String account = Api.newAccount("Two replicas");
        JsonPath created = Api.newKey(account, "data:read");
        String key = created.getString("key");
        assertThat(verifyOnSecond(key)).isEqualTo("VALID");
        assertThat(verifyOnSecond(key)).isEqualTo("VALID");

        given().auth()
                .oauth2(Api.manager(account))
                .delete("/v1/keys/" + created.getString("id"))
                .then()
                .statusCode(204);
        long revokedAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(1))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> "REVOKED".equals(verifyOnSecond(key)));
        assertThat(Duration.ofNanos(System.nanoTime() - revokedAt)).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    @Order(2)
    void dueRotationsAreDoneExactlyOnceWhenBothInstancesRaceForThem() throws Exception {
        second();
        String account = Api.newAccount("Racing replicas");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ids.add(Api.newKey(
                            account,
                            Map.of(
                                    "name",
                                    "scheduled " + i,
                                    "scopes",
                                    List.of("data:read"),
                                    "rotation_policy",
                                    Map.of("every_days", 30, "grace_seconds", 3600)))
                    .getString("id"));
        }
        scheduler.pause();
        try (EventTap tap = EventTap.open(Topics.KEY_EVENTS)) {
            try (Connection connection = dataSource.getConnection();
                    PreparedStatement due = connection.prepareStatement(
                            "UPDATE api_keys SET next_rotation_at = now() - interval '1 minute' WHERE id = ANY (?)")) {
                due.setArray(1, connection.createArrayOf("text", ids.toArray()));
                assertThat(due.executeUpdate()).isEqualTo(ids.size());
            }
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(700))
                    .until(() -> {
                        scheduledWork.runOnce();
                        return ids.stream().allMatch(id -> successorCount(id) == 1);
                    });
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> ids.stream()
                    .allMatch(id -> successorCount(id) == 1));
            for (String id : ids) {
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> tap.matching(e -> rotated(e, id)).size() == 1);
            }
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() -> ids.stream()
                    .allMatch(id -> tap.matching(e -> rotated(e, id)).size() == 1));
        } finally {
            scheduler.resume();
        }
    }

    @Test
    @Order(3)
    void withPostgresDownVerificationAnswersFromCacheAndFailsClosedOtherwise() throws Exception {
        String account = Api.newAccount("Outage");
        String seen = Api.newKey(account, "data:read").getString("key");
        String unseen = Api.newKey(account, "data:read").getString("key");
        assertThat(verifyOnSecond(seen)).isEqualTo("VALID");

        postgresProxy.cut();
        try {
            assertThat(verifyOnSecond(seen)).isEqualTo("VALID");
            onSecond()
                    .auth()
                    .oauth2(Api.tokenService())
                    .contentType(ContentType.JSON)
                    .body(Map.of("key", unseen, "required_scopes", List.of("data:read")))
                    .post("/v1/keys/verify")
                    .then()
                    .statusCode(503)
                    .contentType("application/problem+json")
                    .body("code", equalTo("store_unavailable"));
            onSecond()
                    .auth()
                    .oauth2(Api.manager(account))
                    .get("/v1/keys")
                    .then()
                    .statusCode(503)
                    .body("code", equalTo("store_unavailable"));
        } finally {
            postgresProxy.restore();
        }
    }

    @Test
    @Order(4)
    void killingAnInstanceBetweenCommitAndPublishLosesNoEvent() throws Exception {
        String account = Api.newAccount("Crash before publish");
        String id = Api.newKey(account, "data:read").getString("id");
        second();
        KafkaBroker.shared().stop();
        try {
            onSecond()
                    .auth()
                    .oauth2(Api.manager(account))
                    .delete("/v1/keys/" + id)
                    .then()
                    .statusCode(204);
            second.kill();
            assertThat(outboxRowsFor(id)).isEqualTo(1);
        } finally {
            KafkaBroker.shared().start();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> outboxRowsFor(id) == 0);
        List<CloudEvent> revoked = readTopic(Topics.KEY_EVENTS).stream()
                .filter(e -> e.type().equals(EventType.KEY_REVOKED.type()) && id.equals(e.string("key_id")))
                .toList();
        assertThat(revoked).hasSize(1);
        assertThat(revoked.get(0).accountId()).isEqualTo(account);
    }

    /** Every event on the topic, read from the beginning of each partition to its current end. */
    private static List<CloudEvent> readTopic(String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.shared().bootstrapServers());
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<CloudEvent> events = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> events.add(KafkaCloudEvents.fromRecord(r)));
                return partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
            });
            return events;
        }
    }

    private int outboxRowsFor(String keyId) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(
                        "SELECT count(*) FROM outbox WHERE event LIKE ? AND event LIKE '%io.openclaw.key.revoked%'")) {
            query.setString(1, "%\"" + keyId + "\"%");
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean rotated(CloudEvent event, String id) {
        return event.type().equals(EventType.KEY_ROTATED.type()) && id.equals(event.string("key_id"));
    }

    private String verifyOnSecond(String key) throws Exception {
        return onSecond()
                .auth()
                .oauth2(Api.tokenService())
                .contentType(ContentType.JSON)
                .body(Map.of("key", key, "required_scopes", List.of("data:read"), "client_ip", "203.0.113.7"))
                .post("/v1/keys/verify")
                .then()
                .statusCode(200)
                .extract()
                .path("code");
    }

    private int successorCount(String id) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query =
                        connection.prepareStatement("SELECT count(*) FROM api_keys WHERE rotated_from = ?")) {
            query.setString(1, id);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
