package io.openclaw.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.openclaw.audit.config.AuditConfig;
import io.openclaw.events.CloudEvent;
import io.openclaw.events.EventType;
import io.openclaw.events.KafkaCloudEvents;
import io.openclaw.events.Outcome;
import io.openclaw.events.Topics;
import io.openclaw.testing.EventTap;
import io.openclaw.testing.JwtResource;
import io.openclaw.testing.KafkaBroker;
import io.openclaw.testing.KafkaResource;
import io.openclaw.testing.PostgresResource;
import io.openclaw.testing.TestJwt;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = JwtResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = DetectionStateResource.class, restrictToAnnotatedClass = false)
class AuditLogIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    DataSource dataSource;

    @Inject
    AuditConfig config;

    @Test
    void anEventDeliveredTwiceIsStoredOnce() throws Exception {
        String account = TestEvents.account();
        CloudEvent event = TestEvents.codeIssued(account, "key_owner1", Instant.now());
        TestEvents.publish(event, event);
        CloudEvent marker = TestEvents.codeIssued(account, "key_owner1", Instant.now());
        TestEvents.publish(marker);

        await().atMost(WAIT)
                .until(() -> count("SELECT count(*) FROM audit_record WHERE event_id = ?", marker.id()) == 1);
        assertThat(count("SELECT count(*) FROM audit_record WHERE event_id = ?", event.id()))
                .isEqualTo(1);
        given().auth()
                .oauth2(TestJwt.token(account, "audit:read").sign())
                .when()
                .get("/v1/audit/events")
                .then()
                .statusCode(200)
                .body("items.size()", equalTo(2));
    }

    @Test
    void anEventSentAgainAfterItWasStoredIsSkippedAndItsBatchStoredWholeAndChained() throws Exception {
        String account = TestEvents.account();
        String actor = TestEvents.id("key_");
        CloudEvent event = TestEvents.codeIssued(account, actor, Instant.now());
        TestEvents.publish(event);
        await().atMost(WAIT)
                .until(() -> count("SELECT count(*) FROM audit_record WHERE event_id = ?", event.id()) == 1);

        List<CloudEvent> batch = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            batch.add(TestEvents.codeIssued(account, actor, Instant.now()));
        }
        batch.add(2, event);
        TestEvents.publish(batch);

        List<String> ids = batch.stream().map(CloudEvent::id).distinct().toList();
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(eventIds(account)).containsExactlyInAnyOrderElementsOf(ids));
        assertEveryChainIntact();
    }

    @Test
    void theWritersShareThePartitionsAndStoreEveryOneOfThemChained() throws Exception {
        String account = TestEvents.account();
        int partitions =
                TestEvents.producer().partitionsFor(Topics.PAIRING_EVENTS).size();
        List<String> ids = new ArrayList<>();
        for (int partition = 0; partition < partitions; partition++) {
            for (int i = 0; i < 2; i++) {
                CloudEvent event = TestEvents.codeIssued(account, TestEvents.id("key_"), Instant.now());
                ProducerRecord<String, byte[]> record = KafkaCloudEvents.toRecord(event);
                TestEvents.send(new ProducerRecord<>(
                        record.topic(), partition, record.key(), record.value(), record.headers()));
                ids.add(event.id());
            }
        }

        await().atMost(WAIT).untilAsserted(() -> assertThat(count(
                        "SELECT count(*) FROM audit_record WHERE event_id = ANY(string_to_array(?, ','))",
                        String.join(",", ids)))
                .isEqualTo(ids.size()));
        try (Admin admin = KafkaBroker.shared().admin()) {
            String groupId = config.ingest().groupId();
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(groupId))
                    .describedGroups()
                    .get(groupId)
                    .get();
            assertThat(config.ingest().writers()).isGreaterThan(1);
            assertThat(group.members()).hasSize(config.ingest().writers());
            assertThat(group.members())
                    .allSatisfy(member ->
                            assertThat(member.assignment().topicPartitions()).isNotEmpty());
        }
        assertEveryChainIntact();
    }

    @Test
    void everyStoredRecordIsRepublishedAsAChainedOcsfRecord() {
        String account = TestEvents.account();
        CloudEvent event = TestEvents.keyRejected(account, "key_r1", "IP_NOT_ALLOWED", "198.51.100.9", Instant.now());
        try (EventTap tap = EventTap.open(Topics.AUDIT_LOG)) {
            TestEvents.publish(event);
            CloudEvent recorded = tap.await(e -> event.id().equals(e.string("event_id")), WAIT);
            assertThat(recorded.type()).isEqualTo(EventType.AUDIT_RECORDED.type());
            assertThat(recorded.accountId()).isEqualTo(account);
            assertThat(recorded.number("class_uid")).isEqualTo(3002L);
            assertThat(recorded.string("activity")).isEqualTo("rejected");
            assertThat(recorded.string("status")).isEqualTo("Failure");
            assertThat(recorded.data().get("src_endpoint")).isEqualTo(Map.of("ip", "198.51.100.9"));
            assertThat(recorded.string("hash")).hasSize(64).isNotEqualTo(recorded.string("prev_hash"));
            assertThat(recorded.string("chain")).startsWith(Topics.KEY_EVENTS + "/");
        }
    }

    @Test
    void theSiemCopiesOfABatchAreReadBackFromTheLogInChainOrder() {
        String account = TestEvents.account();
        List<CloudEvent> events = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            events.add(TestEvents.codeIssued(account, "key_owner" + i, Instant.now()));
        }
        Set<String> ids = new HashSet<>();
        events.forEach(e -> ids.add(e.id()));
        try (EventTap tap = EventTap.open(Topics.AUDIT_LOG)) {
            TestEvents.publish(events);
            await().atMost(WAIT)
                    .until(() -> tap.matching(e -> ids.contains(e.string("event_id")))
                                    .size()
                            >= ids.size());
            List<CloudEvent> copies = tap.matching(e -> ids.contains(e.string("event_id")));

            assertThat(copies).extracting(e -> e.string("event_id")).containsExactlyInAnyOrderElementsOf(ids);
            // one account, one partition, one chain: the copies follow it link by link
            for (int i = 1; i < copies.size(); i++) {
                CloudEvent previous = copies.get(i - 1);
                CloudEvent copy = copies.get(i);
                assertThat(copy.string("chain")).isEqualTo(previous.string("chain"));
                assertThat(copy.number("sequence")).isEqualTo(previous.number("sequence") + 1);
                assertThat(copy.string("prev_hash")).isEqualTo(previous.string("hash"));
            }
        }
    }

    @Test
    void theTraceparentOfAnEventIsKeptWithItsRecordAndInTheSiemCopy() {
        String account = TestEvents.account();
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        CloudEvent event = CloudEvent.builder(EventType.KEY_REJECTED)
                .source("/key-rotation-service")
                .time(Instant.now())
                .accountId(account)
                .actor("svc:token-service")
                .subject("key_t1")
                .outcome(Outcome.FAILURE)
                .reason("REVOKED")
                .data("key_id", "key_t1")
                .traceparent(traceparent)
                .build();
        try (EventTap tap = EventTap.open(Topics.AUDIT_LOG)) {
            TestEvents.publish(event);
            CloudEvent recorded = tap.await(e -> event.id().equals(e.string("event_id")), WAIT);
            assertThat(recorded.traceparent()).isEqualTo(traceparent);
            assertThat(recorded.data().get("metadata")).isEqualTo(Map.of("traceparent", traceparent));
        }
        given().auth()
                .oauth2(TestJwt.token(account, "audit:read").sign())
                .queryParam("type", EventType.KEY_REJECTED.type())
                .when()
                .get("/v1/audit/events")
                .then()
                .statusCode(200)
                .body("items[0].id", equalTo(event.id()))
                .body("items[0].traceparent", equalTo(traceparent));
    }

    @Test
    void successfulKeyUseIsRolledUpPerMinuteWhileRejectionsAreKeptOneByOne() throws Exception {
        String account = TestEvents.account();
        String keyId = TestEvents.id("key_");
        Instant minute = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        List<CloudEvent> uses = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            uses.add(TestEvents.keyUsed(
                    account, keyId, "198.51.100." + (i % 3), Outcome.SUCCESS, minute.plusSeconds(i)));
        }
        CloudEvent refused =
                TestEvents.keyUsed(account, keyId, "198.51.100.7", Outcome.FAILURE, minute.plusSeconds(30));
        uses.add(refused);
        TestEvents.publish(uses);

        await().atMost(WAIT)
                .until(() -> count("SELECT count(*) FROM audit_record WHERE event_id = ?", refused.id()) == 1);
        await().atMost(WAIT)
                .until(() ->
                        count("SELECT coalesce(sum(count), 0) FROM key_usage_rollup WHERE key_id = ?", keyId) == 25);
        assertThat(count("SELECT count(*) FROM key_usage_rollup WHERE key_id = ?", keyId))
                .as("one row per minute, outcome and network")
                .isEqualTo(1);
        assertThat(count("SELECT count(*) FROM audit_record WHERE subject = ?", keyId))
                .as("only the rejection is stored individually")
                .isEqualTo(1);
    }

    @Test
    void malformedAndUnknownEventsAreDeadLetteredAndTheWriterKeepsGoing() throws Exception {
        String account = TestEvents.account();
        CloudEvent unknown = new CloudEvent(
                java.util.UUID.randomUUID().toString(),
                "/somewhere",
                "io.openclaw.nothing.happened",
                Instant.now(),
                "x",
                account,
                Map.of("account_id", account, "actor", "a", "subject", "x", "outcome", "success"));
        CloudEvent invalid = new CloudEvent(
                java.util.UUID.randomUUID().toString(),
                "/key-rotation-service",
                EventType.KEY_CREATED.type(),
                Instant.now(),
                "key_1",
                account,
                Map.of("account_id", account, "actor", "a", "subject", "key_1", "outcome", "maybe"));
        CloudEvent withNul = new CloudEvent(
                java.util.UUID.randomUUID().toString(),
                "/pairing-service",
                EventType.PAIRING_CODE_ISSUED.type(),
                Instant.now(),
                "pc_nul",
                account,
                Map.of(
                        "account_id", account,
                        "actor", "key_owner2",
                        "subject", "pc_nul",
                        "outcome", "success",
                        "user_agent", "curl\u0000/8",
                        "scopes", List.of("data:read"),
                        "label", "Hub",
                        "expires_at", Instant.now().toString(),
                        "ttl_seconds", 300));
        CloudEvent good = TestEvents.codeIssued(account, "key_owner2", Instant.now());
        try (EventTap deadLetters = EventTap.open(Topics.AUDIT_DEAD_LETTER)) {
            TestEvents.send(new ProducerRecord<>(
                    Topics.PAIRING_EVENTS,
                    null,
                    account,
                    "not json at all".getBytes(StandardCharsets.UTF_8),
                    new RecordHeaders()));
            TestEvents.send(KafkaCloudEvents.toRecord(Topics.PAIRING_EVENTS, unknown));
            TestEvents.send(KafkaCloudEvents.toRecord(Topics.KEY_EVENTS, invalid));
            // PostgreSQL text cannot hold NUL: stored as it is, the event would fail its batch again and again
            TestEvents.send(KafkaCloudEvents.toRecord(Topics.PAIRING_EVENTS, withNul));
            TestEvents.publish(good);

            await().atMost(WAIT)
                    .until(() -> count("SELECT count(*) FROM audit_record WHERE event_id = ?", good.id()) == 1);
            await().atMost(WAIT).until(() -> deadLetters.records().size() >= 4);
            List<String> reasons = deadLetters.records().stream()
                    .map(r -> EventTap.header(r, "dlq_reason"))
                    .toList();
            assertThat(reasons).contains("malformed", "unknown_type", "schema_violation");
        }
        assertThat(count(
                        "SELECT count(*) FROM audit_record WHERE event_id IN (?, ?, ?)",
                        unknown.id(),
                        invalid.id(),
                        withNul.id()))
                .isZero();
        String metrics =
                given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("openclaw_audit_dead_letters_total{reason=\"malformed\"");
        assertThat(metrics).contains("openclaw_audit_dead_letters_total{reason=\"unknown_type\"");
    }

    @Test
    void anEditedRowFailsTheIntegrityCheckAtThatLink() throws Exception {
        String account = TestEvents.account();
        List<CloudEvent> events = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            events.add(TestEvents.codeIssued(account, "key_owner3", Instant.now()));
        }
        TestEvents.publish(events);
        CloudEvent victim = events.get(2);
        await().atMost(WAIT).until(() -> count("SELECT count(*) FROM audit_record WHERE account_id = ?", account) == 5);
        String admin = TestJwt.platformAdmin().sign();
        given().auth()
                .oauth2(admin)
                .get("/v1/audit/integrity")
                .then()
                .statusCode(200)
                .body("status", equalTo("intact"));

        String chain;
        long sequence;
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT chain, chain_seq FROM audit_record WHERE event_id = ?")) {
            ps.setString(1, victim.id());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                chain = rs.getString(1);
                sequence = rs.getLong(2);
            }
        }
        update("UPDATE audit_record SET actor = 'key_someone_else' WHERE event_id = ?", victim.id());
        try {
            given().auth()
                    .oauth2(admin)
                    .queryParam("chain", chain)
                    .get("/v1/audit/integrity")
                    .then()
                    .statusCode(200)
                    .body("status", equalTo("broken"))
                    .body("first_broken.chain", equalTo(chain))
                    .body("first_broken.sequence", equalTo((int) sequence))
                    .body("first_broken.event_id", equalTo(victim.id()))
                    .body("first_broken.problem", equalTo("hash_mismatch"));
            given().auth()
                    .oauth2(TestJwt.token(TestEvents.account(), "audit:read").sign())
                    .queryParam("chain", chain)
                    .get("/v1/audit/integrity")
                    .then()
                    .statusCode(200)
                    .body("status", equalTo("broken"))
                    .body("first_broken.event_id", nullValue());
        } finally {
            update("UPDATE audit_record SET actor = 'key_owner3' WHERE event_id = ?", victim.id());
        }
        given().auth()
                .oauth2(admin)
                .queryParam("chain", chain)
                .get("/v1/audit/integrity")
                .then()
                .body("status", equalTo("intact"));
    }

    @Test
    void accountsSeeOnlyTheirOwnEventsAndAPlatformAdminSeesAll() {
        String mine = TestEvents.account();
        String theirs = TestEvents.account();
        CloudEvent a = TestEvents.codeIssued(mine, "key_a", Instant.now());
        CloudEvent b = TestEvents.codeIssued(theirs, "key_b", Instant.now());
        TestEvents.publish(a, b);
        await().atMost(WAIT)
                .until(() -> count("SELECT count(*) FROM audit_record WHERE event_id IN (?, ?)", a.id(), b.id()) == 2);

        JsonPath page = given().auth()
                .oauth2(TestJwt.token(mine, "audit:read").sign())
                .get("/v1/audit/events")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(page.getList("items.id", String.class)).containsExactly(a.id());
        assertThat(page.getList("items.account_id", String.class)).containsOnly(mine);

        given().auth()
                .oauth2(TestJwt.token(mine, "audit:read").sign())
                .queryParam("account_id", theirs)
                .get("/v1/audit/events")
                .then()
                .statusCode(200)
                .body("items.id", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem(b.id())));

        given().auth()
                .oauth2(TestJwt.platformAdmin().sign())
                .queryParam("account_id", theirs)
                .get("/v1/audit/events")
                .then()
                .statusCode(200)
                .body("items.id", org.hamcrest.Matchers.contains(b.id()));
    }

    @Test
    void keysetPagesWalkEveryMatchingEventOnceNewestFirst() {
        String account = TestEvents.account();
        Instant start = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.SECONDS);
        List<CloudEvent> events = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            events.add(TestEvents.pairingRejected("192.0.2." + i, account, "invalid_format", start.plusSeconds(i)));
        }
        events.add(TestEvents.codeIssued(account, "key_pager", start.plusSeconds(8)));
        TestEvents.publish(events);
        // seven failures for one account also raise a brute-force alert, stored beside them: count only ours
        await().atMost(WAIT)
                .until(() -> count(
                                "SELECT count(*) FROM audit_record WHERE account_id = ? AND event_type <> ?",
                                account,
                                EventType.ALERT_RAISED.type())
                        == 8);

        String token = TestJwt.token(account, "audit:read").sign();
        Set<String> seen = new HashSet<>();
        String cursor = null;
        int pages = 0;
        do {
            var request = given().auth()
                    .oauth2(token)
                    .queryParam("type", EventType.PAIRING_CODE_REJECTED.type())
                    .queryParam("outcome", "failure")
                    .queryParam("since", start.toString())
                    .queryParam("limit", 3);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            JsonPath page = request.get("/v1/audit/events")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            List<String> ids = page.getList("items.id", String.class);
            assertThat(ids).hasSizeLessThanOrEqualTo(3).allMatch(seen::add);
            cursor = page.getString("next_cursor");
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo(3);
        assertThat(seen)
                .containsExactlyInAnyOrderElementsOf(
                        events.subList(0, 7).stream().map(CloudEvent::id).toList());

        given().auth()
                .oauth2(token)
                .queryParam("actor", "key_pager")
                .get("/v1/audit/events")
                .then()
                .body("items.id", org.hamcrest.Matchers.contains(events.get(7).id()));
    }

    @Test
    void badQueriesAreAnsweredWithProblemDetails() {
        String token = TestJwt.token(TestEvents.account(), "audit:read").sign();
        for (Map.Entry<String, String> bad : Map.of(
                        "since", "yesterday",
                        "limit", "0",
                        "outcome", "maybe",
                        "cursor", "!!!")
                .entrySet()) {
            given().auth()
                    .oauth2(token)
                    .queryParam(bad.getKey(), bad.getValue())
                    .get("/v1/audit/events")
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("code", org.hamcrest.Matchers.anyOf(equalTo("invalid_parameter"), equalTo("invalid_cursor")));
        }
        given().auth()
                .oauth2(token)
                .queryParam("limit", "many")
                .get("/v1/audit/events")
                .then()
                .statusCode(400);
        // a NUL or a line break in a filter never reaches PostgreSQL (which refused NUL with a server error)
        for (String filter : List.of("type", "subject", "actor")) {
            given().auth()
                    .oauth2(token)
                    .urlEncodingEnabled(false)
                    .queryParam(filter, "a%00b")
                    .get("/v1/audit/events")
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("code", equalTo("invalid_parameter"));
        }
        given().auth()
                .oauth2(token)
                .urlEncodingEnabled(false)
                .queryParam("rule", "a%0D%0Ab")
                .get("/v1/alerts")
                .then()
                .statusCode(400)
                .body("code", equalTo("invalid_parameter"));
        given().get("/v1/audit/events").then().statusCode(401);
        given().auth()
                .oauth2(TestJwt.token(TestEvents.account(), "pairing:issue").sign())
                .get("/v1/audit/events")
                .then()
                .statusCode(403);
    }

    @Test
    void timestampsOutsideTheStoresRangeAreBadParameters() {
        String token = TestJwt.token(TestEvents.account(), "audit:read").sign();
        // these parse as RFC 3339, but PostgreSQL refused them (SQLSTATE 22008), which was answered as an outage
        for (String parameter : List.of("since", "until")) {
            for (String value :
                    List.of("%2B999999999-12-31T23:59:59Z", "%2B10000-01-01T00:00:00Z", "-999999999-01-01T00:00:00Z")) {
                given().auth()
                        .oauth2(token)
                        .urlEncodingEnabled(false)
                        .queryParam(parameter, value)
                        .get("/v1/audit/events")
                        .then()
                        .statusCode(400)
                        .contentType("application/problem+json")
                        .body("code", equalTo("invalid_parameter"))
                        .body("detail", org.hamcrest.Matchers.startsWith(parameter + " "));
            }
        }
        given().auth()
                .oauth2(token)
                .queryParam("since", "0001-01-01T00:00:00Z")
                .queryParam("until", "9999-12-31T23:59:59Z")
                .get("/v1/audit/events")
                .then()
                .statusCode(200);
    }

    @Test
    void alertIdsThatCannotBeOneAreNotFound() {
        String account = TestEvents.account();
        String reader = TestJwt.token(account, "audit:read").sign();
        String manager = TestJwt.token(account, "alerts:manage").sign();
        // a NUL reached PostgreSQL, which refused it (SQLSTATE 22021): answered 503 as if the store were down
        for (String id :
                List.of("%00", "alr_%00", "alr_%0D%0Aforged", "alr_" + "0".repeat(200), "alr_" + "0".repeat(32))) {
            given().auth()
                    .oauth2(reader)
                    .urlEncodingEnabled(false)
                    .get("/v1/alerts/" + id)
                    .then()
                    .statusCode(404)
                    .contentType("application/problem+json")
                    .body("code", equalTo("not_found"));
            for (String action : List.of("acknowledge", "resolve")) {
                given().auth()
                        .oauth2(manager)
                        .urlEncodingEnabled(false)
                        .post("/v1/alerts/" + id + "/" + action)
                        .then()
                        .statusCode(404)
                        .contentType("application/problem+json")
                        .body("code", equalTo("not_found"));
            }
        }
    }

    @Test
    void callsWithoutAValidTokenAreAnsweredWithProblemDetails() {
        String valid = TestJwt.token(TestEvents.account(), "audit:read").sign();
        String payload = valid.split("\\.")[1];
        String unsigned = base64Url("{\"alg\":\"none\",\"typ\":\"at+jwt\"}") + "." + payload + ".";
        String expired = TestJwt.token(TestEvents.account(), "audit:read")
                .issuedAt(Instant.now().minus(Duration.ofHours(2)))
                .lifetime(Duration.ofMinutes(5))
                .sign();
        List<String> refused = List.of(
                "Bearer not-a-token", "Bearer  " + valid, "Bearer " + unsigned, "Bearer " + expired, "Basic YTpi");
        Map<String, String> secured = Map.of(
                "/v1/audit/events", "GET",
                "/v1/audit/integrity", "GET",
                "/v1/audit/rules", "GET",
                "/v1/alerts", "GET",
                "/v1/alerts/alr_00000000000000000000000000000000", "GET",
                "/v1/alerts/alr_00000000000000000000000000000000/acknowledge", "POST",
                "/v1/alerts/alr_00000000000000000000000000000000/resolve", "POST");
        for (Map.Entry<String, String> call : secured.entrySet()) {
            List<io.restassured.specification.RequestSpecification> requests = new ArrayList<>();
            requests.add(given());
            for (String authorization : refused) {
                requests.add(given().header("Authorization", authorization));
            }
            for (var request : requests) {
                String body = request.request(call.getValue(), call.getKey())
                        .then()
                        .statusCode(401)
                        .contentType("application/problem+json")
                        .header("WWW-Authenticate", org.hamcrest.Matchers.startsWith("Bearer"))
                        .body("status", equalTo(401))
                        .body("code", equalTo("unauthorized"))
                        .extract()
                        .asString();
                assertThat(body).doesNotContain(payload);
            }
            given().auth()
                    .oauth2(TestJwt.token(TestEvents.account(), "pairing:issue").sign())
                    .request(call.getValue(), call.getKey())
                    .then()
                    .statusCode(403)
                    .contentType("application/problem+json")
                    .body("status", equalTo(403))
                    .body("code", equalTo("insufficient_scope"));
        }
        given().auth()
                .oauth2(valid)
                .post("/v1/alerts/alr_00000000000000000000000000000000/acknowledge")
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("code", equalTo("insufficient_scope"));
    }

    private static String base64Url(String text) {
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertEveryChainIntact() {
        given().auth()
                .oauth2(TestJwt.platformAdmin().sign())
                .get("/v1/audit/integrity")
                .then()
                .statusCode(200)
                .body("status", equalTo("intact"));
    }

    /** The ids of the account's stored pairing-code events, once for every time each is stored. */
    private List<String> eventIds(String account) throws Exception {
        List<String> ids = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT event_id FROM audit_record WHERE account_id = ? AND event_type = ?")) {
            ps.setString(1, account);
            ps.setString(2, EventType.PAIRING_CODE_ISSUED.type());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    private long count(String sql, String... params) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private void update(String sql, String param) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, param);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }
}
