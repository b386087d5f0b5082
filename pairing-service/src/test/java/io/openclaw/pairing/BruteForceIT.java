package io.openclaw.pairing;

import static io.openclaw.pairing.Api.issueCode;
import static io.openclaw.pairing.Api.newAccount;
import static io.openclaw.pairing.Api.randomCode;
import static io.openclaw.pairing.Api.randomIp;
import static io.openclaw.pairing.Api.redeem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.openclaw.events.CloudEvent;
import io.openclaw.events.EventType;
import io.openclaw.events.Topics;
import io.openclaw.pairing.bruteforce.AttackWatch;
import io.openclaw.testing.EventTap;
import io.openclaw.testing.JwtResource;
import io.openclaw.testing.KafkaResource;
import io.openclaw.testing.RedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = JwtResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
class BruteForceIT {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    MutableClock clock;

    @Inject
    AttackWatch attackWatch;

    @Test
    void anIpIsLockedOutAfterTenFailuresBeforeAnyCodeIsLookedUpUntilTheLockoutEnds() {
        String guesser = randomIp();
        try (EventTap tap = EventTap.open(Topics.PAIRING_EVENTS)) {
            for (int i = 0; i < 10; i++) {
                redeem(randomCode(), guesser).then().statusCode(400).body("code", equalTo("invalid_code"));
            }
            CloudEvent lockout = tap.await(
                    e -> e.type().equals(EventType.PAIRING_LOCKOUT_STARTED.type()) && guesser.equals(e.subject()),
                    Duration.ofSeconds(30));
            assertThat(lockout.string("scope")).isEqualTo("ip");
            assertThat(lockout.number("failures")).isEqualTo(10L);
            EventContract.assertValid(lockout);
            tap.matching(e -> e.type().equals(EventType.PAIRING_CODE_REJECTED.type()) && guesser.equals(e.sourceIp()))
                    .forEach(EventContract::assertValid);
        }
        Map<String, Object> issued = issueCode(newAccount(), "Locked Out Device");
        String code = (String) issued.get("code");
        String retryAfter = redeem(code, guesser)
                .then()
                .statusCode(429)
                .contentType("application/problem+json")
                .body("code", equalTo("too_many_attempts"))
                .header("Retry-After", notNullValue())
                .extract()
                .header("Retry-After");
        assertThat(Long.parseLong(retryAfter)).isBetween(1L, 900L);
        // refused before the lookup: the code was not consumed and still works from elsewhere
        redeem(code, randomIp()).then().statusCode(200);

        clock.shift(Duration.ofMinutes(15).plusSeconds(1));
        redeem(randomCode(), guesser).then().statusCode(400).body("code", equalTo("invalid_code"));
    }

    @Test
    void aLockedOutSourceDoesNotStopTheAccountOwnerFromIssuingCodes() {
        for (int i = 0; i < 10; i++) {
            redeem(randomCode(), "127.0.0.1").then().statusCode(400);
        }
        redeem(randomCode(), "127.0.0.1").then().statusCode(429);
        issueCode(newAccount(), "Still Works");
        clock.shift(Duration.ofMinutes(16));
    }

    @Test
    void aNetworkIsLockedOutAfterFiftyFailuresFromManyAddresses() {
        String network = "172.16." + RANDOM.nextInt(256) + ".";
        for (int host = 1; host <= 10; host++) {
            for (int i = 0; i < 5; i++) {
                redeem(randomCode(), network + host).then().statusCode(400).body("code", equalTo("invalid_code"));
            }
        }
        redeem(randomCode(), network + 200).then().statusCode(429).body("code", equalTo("too_many_attempts"));
        redeem(randomCode(), "172.17." + RANDOM.nextInt(256) + ".1").then().statusCode(400);
        clock.shift(Duration.ofMinutes(16));
        redeem(randomCode(), network + 200).then().statusCode(400).body("code", equalTo("invalid_code"));
    }

    @Test
    void anIpv6SourceIsCountedInItsSlash64() {
        String prefix = "2001:db8:" + Integer.toHexString(RANDOM.nextInt(0xffff)) + ":1::";
        for (int host = 1; host <= 10; host++) {
            for (int i = 0; i < 5; i++) {
                redeem(randomCode(), prefix + Integer.toHexString(host))
                        .then()
                        .statusCode(400)
                        .body("code", equalTo("invalid_code"));
            }
        }
        redeem(randomCode(), prefix + "ffff").then().statusCode(429);
        clock.shift(Duration.ofMinutes(16));
    }

    @Test
    void blockIpCommandsAreHonouredOnceUntilTheyExpire() {
        String blocked = randomIp();
        String network = "192.168." + RANDOM.nextInt(256) + ".0/24";
        Instant until = clock.instant().plus(Duration.ofHours(1));
        CloudEvent command = CloudEvent.builder(EventType.COMMAND_BLOCK_IP)
                .source("/audit-service")
                .actor("svc:audit-service")
                .subject(blocked)
                .data("ip", blocked)
                .data("until", until.toString())
                .data("alert_id", "alr_test")
                .build();
        CloudEvent networkCommand = CloudEvent.builder(EventType.COMMAND_BLOCK_IP)
                .source("/audit-service")
                .actor("svc:audit-service")
                .subject(network)
                .data("network", network)
                .data("until", until.toString())
                .build();
        try (EventTap tap = EventTap.open(Topics.PAIRING_EVENTS)) {
            EventTap.publish(command);
            EventTap.publish(command);
            EventTap.publish(networkCommand);
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> redeem(randomCode(), blocked).then().statusCode(429));
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> redeem(randomCode(), network.replace(".0/24", ".77"))
                            .then()
                            .statusCode(429));
            tap.await(
                    e -> e.type().equals(EventType.PAIRING_IP_BLOCKED.type()) && network.equals(e.subject()),
                    Duration.ofSeconds(30));
            List<CloudEvent> applied = tap.matching(
                    e -> e.type().equals(EventType.PAIRING_IP_BLOCKED.type()) && blocked.equals(e.subject()));
            assertThat(applied).hasSize(1);
            assertThat(applied.get(0).string("command_id")).isEqualTo(command.id());
            EventContract.assertValid(applied.get(0));
        }
        redeem(randomCode(), randomIp()).then().statusCode(400);
        clock.shift(Duration.ofHours(1).plusSeconds(1));
        redeem(randomCode(), blocked).then().statusCode(400).body("code", equalTo("invalid_code"));
    }

    @Test
    void aPlatformWideGuessingAttackIsReportedAndTightensNetworkLimits() {
        clock.shift(Duration.ofHours(3));
        // start 5 s into a minute, so that the burst below falls in one per-minute bucket however slow the machine
        clock.shift(Duration.ofSeconds(65 - clock.instant().getEpochSecond() % 60));
        try (EventTap tap = EventTap.open(Topics.PAIRING_EVENTS)) {
            for (int i = 0; i < 25; i++) {
                redeem(randomCode(), "100.64." + i + "." + (1 + RANDOM.nextInt(200)))
                        .then()
                        .statusCode(400);
            }
            assertThat(attackWatch.check()).isEqualTo(AttackWatch.State.STARTED);
            assertThat(attackWatch.check()).isEqualTo(AttackWatch.State.ONGOING);
            CloudEvent suspected = tap.awaitType(EventType.PAIRING_ATTACK_SUSPECTED.type(), Duration.ofSeconds(30));
            assertThat(suspected.number("rate_per_minute")).isGreaterThanOrEqualTo(25L);
            assertThat(suspected.reason()).isEqualTo("distributed_guessing");
            EventContract.assertValid(suspected);

            String network = "100.65." + RANDOM.nextInt(256) + ".";
            for (int host = 1; host <= 5; host++) {
                redeem(randomCode(), network + host).then().statusCode(400);
                redeem(randomCode(), network + host).then().statusCode(400);
            }
            redeem(randomCode(), network + 99).then().statusCode(429);
        }
        clock.shift(Duration.ofMinutes(20));
        assertThat(attackWatch.check()).isEqualTo(AttackWatch.State.NORMAL);
    }
}
