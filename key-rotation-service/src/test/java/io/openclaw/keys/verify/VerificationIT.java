package io.openclaw.keys.verify;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.openclaw.events.CloudEvent;
import io.openclaw.events.EventType;
import io.openclaw.events.Topics;
import io.openclaw.keys.apikey.ApiKeyFormat;
import io.openclaw.keys.apikey.Environment;
import io.openclaw.keys.support.Api;
import io.openclaw.keys.support.ShiftableClock;
import io.openclaw.keys.web.Caller;
import io.openclaw.testing.EventTap;
import io.openclaw.testing.JwtResource;
import io.openclaw.testing.KafkaResource;
import io.openclaw.testing.PostgresResource;
import io.openclaw.testing.RedisResource;
import io.openclaw.testing.TestJwt;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = JwtResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
class VerificationIT {

    @Inject
    ShiftableClock clock;

    @Inject
    KeyVerifier verifier;

    @Test
    void aValidKeyIsAnsweredWithItsIdAccountScopesAndExpiry() {
        String account = Api.newAccount("Valid");
        String expiry = clock.instant().plus(Duration.ofDays(365)).toString();
        JsonPath created = Api.newKey(
                account, Map.of("name", "svc", "scopes", List.of("data:read", "data:write"), "expires_at", expiry));
        Api.verify(created.getString("key"), List.of("data:read"), "203.0.113.7")
                .then()
                .statusCode(200)
                .body("valid", equalTo(true))
                .body("code", equalTo("VALID"))
                .body("key_id", equalTo(created.getString("id")))
                .body("account_id", equalTo(account))
                .body("scopes", equalTo(List.of("data:read", "data:write")))
                .body("expires_at", equalTo(created.getString("expires_at")))
                .body("rate_limited", equalTo(false));
    }

    @Test
    void malformedKeysAreRefusedBeforeAnyLookupAndUnknownOnesAreNotFound() {
        String wellFormedUnknown = ApiKeyFormat.generate(Environment.LIVE);
        String badChecksum =
                wellFormedUnknown.substring(0, 41) + (wellFormedUnknown.endsWith("000000") ? "111111" : "000000");
        for (String malformed : List.of("", "hello", "ock_live_short", badChecksum, wellFormedUnknown + "x")) {
            Api.verify(malformed, List.of(), null)
                    .then()
                    .statusCode(200)
                    .body("valid", equalTo(false))
                    .body("code", equalTo("MALFORMED"))
                    .body("key_id", nullValue());
        }
        Api.verify(wellFormedUnknown, List.of(), null)
                .then()
                .body("valid", equalTo(false))
                .body("code", equalTo("NOT_FOUND"))
                .body("account_id", nullValue());
    }

    @Test
    void anExpiredKeyIsExpired() {
        String account = Api.newAccount("Expiry");
        String expiry = clock.instant().plus(Duration.ofHours(1)).toString();
        String key = Api.newKey(account, Map.of("name", "short", "scopes", List.of("data:read"), "expires_at", expiry))
                .getString("key");
        assertThat(Api.verifyCode(key, "data:read")).isEqualTo("VALID");
        clock.shift(Duration.ofHours(2));
        assertThat(Api.verifyCode(key, "data:read")).isEqualTo("EXPIRED");
    }

    @Test
    void theAllowlistAdmitsOnlyItsIpv4AndIpv6Networks() {
        String account = Api.newAccount("Allowlist");
        String key = Api.newKey(
                        account,
                        Map.of(
                                "name",
                                "office",
                                "scopes",
                                List.of("data:read"),
                                "allowed_cidrs",
                                List.of("203.0.113.0/24", "2001:db8:abcd::/48", "198.51.100.10")))
                .getString("key");
        Map<String, String> expected = new java.util.LinkedHashMap<>();
        expected.put("203.0.113.7", "VALID");
        expected.put("203.0.114.7", "IP_NOT_ALLOWED");
        expected.put("198.51.100.10", "VALID");
        expected.put("198.51.100.11", "IP_NOT_ALLOWED");
        expected.put("2001:db8:abcd:12::1", "VALID");
        expected.put("2001:db8:abce::1", "IP_NOT_ALLOWED");
        expected.put("::ffff:203.0.113.99", "VALID");
        expected.put("not-an-ip", "IP_NOT_ALLOWED");
        expected.put("203.0.113.0/24", "IP_NOT_ALLOWED");
        expected.forEach((ip, code) ->
                Api.verify(key, List.of("data:read"), ip).then().statusCode(200).body("code", equalTo(code)));
        Api.verify(key, List.of("data:read"), null).then().body("code", equalTo("IP_NOT_ALLOWED"));
    }

    @Test
    void missingScopesAreInsufficientScope() {
        String account = Api.newAccount("Scopes");
        String key = Api.newKey(account, "data:read").getString("key");
        assertThat(Api.verifyCode(key, "data:read", "device:control")).isEqualTo("INSUFFICIENT_SCOPE");
        assertThat(Api.verifyCode(key)).isEqualTo("VALID");
    }

    @Test
    void theRateLimitHoldsExactlyUnderConcurrentVerifications() throws Exception {
        String account = Api.newAccount("Limits");
        String key = Api.newKey(
                        account,
                        Map.of(
                                "name",
                                "limited",
                                "scopes",
                                List.of("data:read"),
                                "rate_limit",
                                Map.of("requests", 5, "window_seconds", 3600)))
                .getString("key");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<String>> calls = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                calls.add(() -> Api.verifyCode(key, "data:read"));
            }
            List<String> codes = new ArrayList<>();
            for (Future<String> result : pool.invokeAll(calls)) {
                codes.add(result.get());
            }
            assertThat(codes).filteredOn("VALID"::equals).hasSize(5);
            assertThat(codes).filteredOn("RATE_LIMITED"::equals).hasSize(7);
        } finally {
            pool.shutdownNow();
        }
        Api.verify(key, List.of("data:read"), null)
                .then()
                .body("retry_after", org.hamcrest.Matchers.greaterThan(0))
                .body("rate_limited", equalTo(true));
        clock.shift(Duration.ofHours(1));
        assertThat(Api.verifyCode(key, "data:read")).isEqualTo("VALID");
        // a caller may not reuse a positive answer about this key: each verification counts
        Api.verify(key, List.of("data:read"), null).then().body("rate_limited", equalTo(true));
    }

    @Test
    void everyVerificationIsAUsageEventAndRejectionsAreKeyEvents() {
        String account = Api.newAccount("Usage");
        JsonPath created = Api.newKey(account, "data:read");
        String id = created.getString("id");
        String key = created.getString("key");
        try (EventTap usage = EventTap.open(Topics.KEY_USAGE);
                EventTap keyEvents = EventTap.open(Topics.KEY_EVENTS)) {
            Api.verify(key, List.of("data:read"), "203.0.113.7").then().body("code", equalTo("VALID"));
            Api.verify(key, List.of("data:write"), "2001:db8::7").then().body("code", equalTo("INSUFFICIENT_SCOPE"));

            CloudEvent ok = usage.await(
                    e -> id.equals(e.string("key_id")) && "success".equals(e.string("outcome")),
                    Duration.ofSeconds(20));
            assertThat(ok.type()).isEqualTo(EventType.KEY_USED.type());
            assertThat(ok.partitionKey()).isEqualTo(id);
            assertThat(ok.accountId()).isEqualTo(account);
            assertThat(ok.sourceIp()).isEqualTo("203.0.113.7");
            assertThat(ok.userAgent()).isEqualTo("token-service/test");
            assertThat(ok.string("network")).isEqualTo("203.0.113.0/24");
            assertThat(ok.actor()).isEqualTo("svc:token-service");

            CloudEvent failed = usage.await(
                    e -> id.equals(e.string("key_id")) && "failure".equals(e.string("outcome")),
                    Duration.ofSeconds(20));
            assertThat(failed.reason()).isEqualTo("INSUFFICIENT_SCOPE");
            assertThat(failed.string("network")).isEqualTo("2001:db8::/64");

            CloudEvent rejected = keyEvents.await(
                    e -> e.type().equals(EventType.KEY_REJECTED.type()) && id.equals(e.string("key_id")),
                    Duration.ofSeconds(20));
            assertThat(rejected.reason()).isEqualTo("INSUFFICIENT_SCOPE");
            assertThat(rejected.accountId()).isEqualTo(account);
        }
    }

    @Test
    void verificationNeedsTheVerifyScopeAndAWellFormedBody() {
        given().auth()
                .oauth2(TestJwt.token("acc_x", "keys:manage").sign())
                .contentType(ContentType.JSON)
                .body(Map.of("key", "x"))
                .post("/v1/keys/verify")
                .then()
                .statusCode(403);
        for (String body :
                List.of("{\"key\":\"x\",\"extra\":1}", "{\"key\":42,\"required_scopes\":\"a\"}", "{", "{}")) {
            given().auth()
                    .oauth2(Api.tokenService())
                    .contentType(ContentType.JSON)
                    .body(body)
                    .post("/v1/keys/verify")
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json");
        }
    }

    @Test
    void anAccountPrincipalCannotVerifyAnotherAccountsKey() {
        String owner = Api.newAccount("Verify owner");
        String other = Api.newAccount("Verify other");
        String key = Api.newKey(owner, "data:read").getString("key");
        given().auth()
                .oauth2(TestJwt.token(other, "keys:verify").sign())
                .contentType(ContentType.JSON)
                .body(Map.of("key", key))
                .post("/v1/keys/verify")
                .then()
                .body("code", equalTo("NOT_FOUND"))
                .body("key_id", nullValue());
    }

    @Test
    void aWrongKeyWithTheRightPrefixTakesNoLongerThanARandomWrongKey() {
        String account = Api.newAccount("Timing");
        String real = Api.newKey(account, "data:read").getString("key");
        Caller caller = new Caller("svc:token-service", null, Set.of("keys:verify"));
        int rounds = 300;
        long[] nearMiss = new long[rounds];
        long[] random = new long[rounds];
        for (int warmup = 0; warmup < 100; warmup++) {
            time(caller, nearMiss(real));
            time(caller, ApiKeyFormat.generate(Environment.LIVE));
        }
        for (int i = 0; i < rounds; i++) {
            if (i % 2 == 0) {
                nearMiss[i] = time(caller, nearMiss(real));
                random[i] = time(caller, ApiKeyFormat.generate(Environment.LIVE));
            } else {
                random[i] = time(caller, ApiKeyFormat.generate(Environment.LIVE));
                nearMiss[i] = time(caller, nearMiss(real));
            }
        }
        double near = median(nearMiss);
        double far = median(random);
        assertThat(Math.abs(near - far))
                .as("median near-miss %.0f ns vs random %.0f ns", near, far)
                .isLessThan(Math.max(near, far) * 0.25 + 150_000);
    }

    @Test
    void noKeyEverAppearsInAnEventOrALogLine() throws Exception {
        String account = Api.newAccount("Secrets");
        List<String> keys = new ArrayList<>();
        try (EventTap tap = EventTap.open(Topics.KEY_EVENTS, Topics.KEY_USAGE)) {
            JsonPath created = Api.newKey(account, "data:read");
            keys.add(created.getString("key"));
            Api.verifyCode(created.getString("key"), "data:read");
            Api.verifyCode(created.getString("key"), "data:write");
            String rotated = given().auth()
                    .oauth2(Api.manager(account))
                    .contentType(ContentType.JSON)
                    .body(Map.of("grace_seconds", 0))
                    .post("/v1/keys/" + created.getString("id") + "/rotate")
                    .then()
                    .statusCode(201)
                    .extract()
                    .path("key");
            keys.add(rotated);
            Api.verifyCode(rotated, "data:read");
            Api.verifyCode(created.getString("key"), "data:read");
            keys.add(ApiKeyFormat.generate(Environment.LIVE));
            Api.verifyCode(keys.get(2));
            tap.await(e -> e.type().equals(EventType.KEY_ROTATED.type()), Duration.ofSeconds(20));
            tap.await(e -> e.type().equals(EventType.KEY_REJECTED.type()), Duration.ofSeconds(20));
            assertThat(tap.records()).isNotEmpty();
            for (String key : keys) {
                assertThat(tap.anyRecordText(text -> text.contains(key.substring(9))))
                        .as("a key in an event")
                        .isFalse();
            }
        }
        String log = Files.readString(Path.of("target/key-rotation-service-test.log"));
        assertThat(log).isNotEmpty();
        for (String key : keys) {
            assertThat(log).doesNotContain(key.substring(9));
        }
        assertThat(log).doesNotContain(Api.BOOTSTRAP_KEY.substring(9));
    }

    private long time(Caller caller, String key) {
        long start = System.nanoTime();
        Verification result = verifier.verify(caller, new VerifyRequest(key, List.of(), null, null), "timing")
                .await()
                .atMost(Duration.ofSeconds(10));
        long elapsed = System.nanoTime() - start;
        assertThat(result.code()).isEqualTo(VerifyCode.NOT_FOUND);
        return elapsed;
    }

    /** The real key's first 36 characters, then other random characters and a fixed checksum: right prefix, wrong key. */
    private static String nearMiss(String real) {
        String body = real.substring(0, 36) + io.openclaw.keys.support.Ids.base62(5);
        return body + ApiKeyFormat.checksum(body);
    }

    private static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
