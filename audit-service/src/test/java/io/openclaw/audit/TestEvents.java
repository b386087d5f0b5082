package io.openclaw.audit;

import io.openclaw.events.CloudEvent;
import io.openclaw.events.EventType;
import io.openclaw.events.KafkaCloudEvents;
import io.openclaw.events.Outcome;
import io.openclaw.testing.KafkaBroker;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Builds the other services' events through platform-events and publishes them in bulk to the test broker. */
final class TestEvents {

    private static KafkaProducer<String, byte[]> producer;

    private TestEvents() {}

    static synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(
                    Map.of(
                            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                            KafkaBroker.shared().bootstrapServers(),
                            ProducerConfig.ACKS_CONFIG,
                            "all",
                            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                            true,
                            ProducerConfig.LINGER_MS_CONFIG,
                            5,
                            ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
                            1),
                    new StringSerializer(),
                    new ByteArraySerializer());
        }
        return producer;
    }

    /** Creates topics and waits until every partition has a leader the producer knows. */
    static void createTopics(String... topics) {
        KafkaBroker.shared().createTopics(List.of(topics));
        for (String topic : topics) {
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(60))
                    .ignoreExceptions()
                    .until(() -> producer().partitionsFor(topic).stream().allMatch(p -> p.leader() != null));
        }
    }

    /** Publishes the events to their topics, in order, and waits for every acknowledgement. */
    static void publish(List<CloudEvent> events) {
        try {
            List<Future<RecordMetadata>> sent = events.stream()
                    .map(e -> producer().send(KafkaCloudEvents.toRecord(e)))
                    .toList();
            for (Future<RecordMetadata> f : sent) {
                f.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not publish test events", e);
        }
    }

    static void publish(CloudEvent... events) {
        publish(List.of(events));
    }

    /** Sends a raw record (for malformed input) and waits for the acknowledgement. */
    static void send(ProducerRecord<String, byte[]> record) {
        try {
            producer().send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String account() {
        return "acc_" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40, 1L << 45), 36);
    }

    static String id(String prefix) {
        return prefix + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40, 1L << 45), 36);
    }

    /** A random documentation-style IPv4 network prefix, e.g. {@code 10.23.7}, unique per test. */
    static String network() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "10." + r.nextInt(1, 255) + "." + r.nextInt(1, 255);
    }

    static CloudEvent pairingRejected(String ip, String account, String reason, Instant at) {
        return CloudEvent.builder(EventType.PAIRING_CODE_REJECTED)
                .source("/pairing-service")
                .time(at)
                .accountId(account)
                .actor("ip:" + ip)
                .subject("redemption")
                .outcome(Outcome.FAILURE)
                .reason(reason)
                .sourceIp(ip)
                .userAgent("hub/1.2")
                .build();
    }

    static CloudEvent codeIssued(String account, String actor, Instant at) {
        return CloudEvent.builder(EventType.PAIRING_CODE_ISSUED)
                .source("/pairing-service")
                .time(at)
                .accountId(account)
                .actor(actor)
                .subject(id("pc_"))
                .data("scopes", List.of("data:read"))
                .data("label", "Hub")
                .data("expires_at", at.plusSeconds(300).toString())
                .data("ttl_seconds", 300)
                .build();
    }

    static CloudEvent keyUsed(String account, String keyId, String ip, Outcome outcome, Instant at) {
        return CloudEvent.builder(EventType.KEY_USED)
                .source("/key-rotation-service")
                .time(at)
                .accountId(account)
                .actor("svc:token-service")
                .subject(keyId)
                .outcome(outcome)
                .reason(outcome == Outcome.SUCCESS ? "VALID" : "RATE_LIMITED")
                .sourceIp(ip)
                .data("key_id", keyId)
                .partitionKey(keyId)
                .build();
    }

    static CloudEvent keyRejected(String account, String keyId, String reason, String ip, Instant at) {
        return CloudEvent.builder(EventType.KEY_REJECTED)
                .source("/key-rotation-service")
                .time(at)
                .accountId(account)
                .actor("svc:token-service")
                .subject(keyId)
                .outcome(Outcome.FAILURE)
                .reason(reason)
                .sourceIp(ip)
                .data("key_id", keyId)
                .build();
    }

    static CloudEvent tokenRejected(String account, String jti, String reason, Instant at) {
        return CloudEvent.builder(EventType.TOKEN_REJECTED)
                .source("/token-service")
                .time(at)
                .accountId(account)
                .actor("dev_" + jti)
                .subject(jti)
                .outcome(Outcome.FAILURE)
                .reason(reason)
                .data("jti", jti)
                .build();
    }

    /** A refresh grant refused the way token-service records it: subject = grant type, actor = device. */
    static CloudEvent refreshRefused(String account, String deviceId, String reason, Instant at) {
        return CloudEvent.builder(EventType.TOKEN_REJECTED)
                .source("/token-service")
                .time(at)
                .accountId(account)
                .actor(deviceId)
                .subject("refresh_token")
                .outcome(Outcome.FAILURE)
                .reason(reason)
                .data("grant_type", "refresh_token")
                .build();
    }

    static CloudEvent refreshReuse(String account, String familyId, Instant at) {
        return CloudEvent.builder(EventType.TOKEN_REFRESH_REUSE_DETECTED)
                .source("/token-service")
                .time(at)
                .accountId(account)
                .actor("dev_x1")
                .subject(familyId)
                .outcome(Outcome.FAILURE)
                .reason("refresh_token_reuse")
                .data("family_id", familyId)
                .data("device_id", "dev_x1")
                .data("generation", 1)
                .build();
    }

    static CloudEvent tokenRefreshed(String account, String familyId, Instant at) {
        return CloudEvent.builder(EventType.TOKEN_REFRESHED)
                .source("/token-service")
                .time(at)
                .accountId(account)
                .actor("dev_x1")
                .subject(familyId)
                .data("family_id", familyId)
                .data("jti", id("jti"))
                .data("generation", 2)
                .build();
    }

    static CloudEvent keyRevoked(String account, String actor, String keyId, Instant at) {
        return CloudEvent.builder(EventType.KEY_REVOKED)
                .source("/key-rotation-service")
                .time(at)
                .accountId(account)
                .actor(actor)
                .subject(keyId)
                .reason("revoked_by_owner")
                .data("key_id", keyId)
                .build();
    }
}
