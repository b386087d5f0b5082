package io.openclaw.audit.web;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProblemMappersTest {

    private final ProblemMappers mappers = new ProblemMappers();

    @Test
    void aValueThatPostgresqlRefusesAsDataIsABadRequest() {
        for (String state : new String[] {"22008", "22021", "22P02"}) {
            Response response =
                    mappers.database(new SQLException("ERROR: value out of range: \"s3cret-value\"", state));

            assertThat(response.getStatus()).isEqualTo(400);
            assertThat(response.getMediaType()).hasToString("application/problem+json");
            assertThat(body(response)).containsEntry("code", "invalid_parameter");
            assertThat(body(response).toString()).doesNotContain("s3cret-value");
            assertThat(response.getHeaderString("Retry-After")).isNull();
        }
    }

    @Test
    void aStoreThatCannotAnswerIsAnOutage() {
        for (String state : new String[] {"08006", "08001", "57P01", null}) {
            Response response = mappers.database(new SQLException("connection refused to db.internal", state));

            assertThat(response.getStatus()).isEqualTo(503);
            assertThat(response.getMediaType()).hasToString("application/problem+json");
            assertThat(body(response)).containsEntry("code", "store_unavailable");
            assertThat(body(response).toString()).doesNotContain("db.internal");
            assertThat(response.getHeaderString("Retry-After")).isEqualTo("5");
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> body(Response response) {
        return (Map<String, Object>) response.getEntity();
    }
}
