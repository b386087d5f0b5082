package io.openclaw.pairing;

import static io.openclaw.pairing.Api.issueCode;
import static io.openclaw.pairing.Api.newAccount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.openclaw.events.CloudEvent;
import io.openclaw.events.EventType;
import io.openclaw.events.Topics;
import io.openclaw.pairing.events.OutboxRelay;
import io.openclaw.testing.EventTap;
import io.openclaw.testing.JwtResource;
import io.openclaw.testing.KafkaBroker;
import io.openclaw.testing.KafkaResource;
import io.openclaw.testing.RedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = JwtResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
class OutboxRelayIT {

    @Inject
    OutboxRelay relay;

    @Test
    void eventsWrittenWhileTheBrokerIsDownStayInTheOutboxAndAreDeliveredWhenItReturns() {
        KafkaBroker broker = KafkaBroker.shared();
        try (EventTap tap = EventTap.open(Topics.PAIRING_EVENTS)) {
            String id;
            broker.kill();
            try {
                id = (String) issueCode(newAccount(), "Offline Broker").get("id");
                assertThat(relay.relayBatch()).isZero();
                assertThat(relay.pending()).isPositive();
            } finally {
                broker.start();
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> relay.pending() == 0);
            Predicate<CloudEvent> issuedCode =
                    e -> e.type().equals(EventType.PAIRING_CODE_ISSUED.type()) && id.equals(e.subject());
            tap.await(issuedCode, Duration.ofSeconds(60));
            List<CloudEvent> issued = tap.matching(issuedCode);
            // a re-send after a failed attempt carries the same event id, which is what consumers dedupe on
            assertThat(issued)
                    .extracting(CloudEvent::id)
                    .containsOnly(issued.get(0).id());
        }
    }
}
