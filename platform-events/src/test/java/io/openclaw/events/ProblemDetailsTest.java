package io.openclaw.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.openclaw.events.problem.ProblemDetails;
import org.junit.jupiter.api.Test;

class ProblemDetailsTest {

    @Test
    void aProblemCarriesTheRfc9457MembersAndAStableCode() {
        var body = ProblemDetails.body(429, "too_many_attempts", "try again in 900 s");

        assertThat(body)
                .containsEntry("type", "https://openclaw.io/problems/too_many_attempts")
                .containsEntry("title", "Too Many Requests")
                .containsEntry("status", 429)
                .containsEntry("detail", "try again in 900 s")
                .containsEntry("code", "too_many_attempts");
        assertThat(body.keySet()).containsExactly("type", "title", "status", "detail", "code");
    }

    @Test
    void anUnlistedStatusStillGetsATitle() {
        assertThat(ProblemDetails.title(418)).isEqualTo("Client Error");
        assertThat(ProblemDetails.title(502)).isEqualTo("Server Error");
    }
}
