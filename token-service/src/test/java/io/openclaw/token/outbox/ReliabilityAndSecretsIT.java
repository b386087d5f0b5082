package io.openclaw.token.outbox;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.openclaw.events.CloudEvent;
import io.openclaw.events.EventType;
import io.openclaw.events.Topics;
import io.openclaw.testing.EventTap;
import io.openclaw.testing.JwtResource;
import io.openclaw.testing.KafkaBroker;
import io.openclaw.testing.KafkaResource;
import io.openclaw.testing.PostgresResource;
import io.openclaw.testing.RedisResource;
import io.openclaw.token.support.Platform;
import io.openclaw.token.support.UpstreamStandIns;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = JwtResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = UpstreamStandIns.class, restrictToAnnotatedClass = false)
class ReliabilityAndSecretsIT {

    private static final Pattern CREDENTIAL = Pattern.compile(
            "ocr_[0-9A-Za-z_-]{20,}|ock_(live|test)_[0-9A-Za-z]{20,}|eyJ[0-9A-Za-z_-]{5,}\\.eyJ[0-9A-Za-z_-]{5,}");

    @Test
    void eventsCommittedWhileTheBrokerIsDownArePublishedWhenItReturns() throws Exception {
        String account = Platform.randomAccount();
        String code = Platform.issueCode(account, "data:read");
        try (EventTap tap = EventTap.open(Topics.TOKEN_EVENTS)) {
            KafkaBroker broker = KafkaBroker.shared();
            String deviceId;
            broker.kill();
            try {
                deviceId =
                        Platform.exchange(code).then().statusCode(200).extract().path("device_id");
                assertThat(outboxRows()).isPositive();
            } finally {
                broker.start();
            }
            CloudEvent issued = tap.await(
                    e -> e.type().equals(EventType.TOKEN_ISSUED.type()) && deviceId.equals(e.subject()),
                    Duration.ofSeconds(90));
            assertThat(issued.accountId()).isEqualTo(account);
        }
    }

    @Test
    void anEventCommittedByAReplicaThatDiedBeforePublishingIsPublishedByTheRelay() throws Exception {
        CloudEvent orphan = CloudEvent.builder(EventType.TOKEN_DEVICE_REVOKED)
                .source("/token-service")
                .accountId(Platform.randomAccount())
                .actor("svc:token-service")
                .subject("dev_ORPHANED0000000000")
                .reason("idle")
                .data("device_id", "dev_ORPHANED0000000000")
                .build();
        try (EventTap tap = EventTap.open(Topics.TOKEN_EVENTS)) {
            String url = ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class);
            try (Connection db = java.sql.DriverManager.getConnection(url, "postgres", "");
                    PreparedStatement insert =
                            db.prepareStatement("INSERT INTO outbox (event_id, topic, event_json) VALUES (?, ?, ?)")) {
                insert.setString(1, orphan.id());
                insert.setString(2, Topics.TOKEN_EVENTS);
                insert.setString(3, io.openclaw.events.CloudEventJson.toJson(orphan));
                insert.executeUpdate();
            }
            CloudEvent published = tap.await(e -> e.id().equals(orphan.id()), Duration.ofSeconds(20));
            assertThat(published.type()).isEqualTo(EventType.TOKEN_DEVICE_REVOKED.type());
            assertThat(published.partitionKey()).isEqualTo(orphan.accountId());
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> outboxRows() == 0);
    }

    @Test
    void whenPostgresqlIsDownGrantsAnswer503AndNothingHalfDoneRemains() throws Exception {
        String account = Platform.randomAccount();
        String code = Platform.issueCode(account, "data:read");
        String refreshToken = Platform.pairedDevice(account, "data:read").getString("refresh_token");
        String keyId = "key_p" + account.substring(4);
        String secret = Platform.registerKey(keyId, account, "VALID", "devices:read");
        Platform.clientCredentials(keyId, secret, null).then().statusCode(200);
        String database = databaseName();
        try (Connection admin = java.sql.DriverManager.getConnection(
                        "jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "");
                Statement sql = admin.createStatement()) {
            sql.execute("ALTER DATABASE " + database + " ALLOW_CONNECTIONS false");
            sql.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database
                    + "' AND pid <> pg_backend_pid()");
            try {
                Platform.refresh(refreshToken).then().statusCode(503).body("error", equalTo("temporarily_unavailable"));
                Platform.exchange(code).then().statusCode(503).body("error", equalTo("temporarily_unavailable"));
                // no token without its issued event committed
                Platform.clientCredentials(keyId, secret, null)
                        .then()
                        .statusCode(503)
                        .body("error", equalTo("temporarily_unavailable"));
                given().auth()
                        .oauth2(Platform.bearer(account, "key_owner", "devices:read"))
                        .get("/v1/devices")
                        .then()
                        .statusCode(503)
                        .contentType("application/problem+json")
                        .body("code", equalTo("temporarily_unavailable"));
            } finally {
                sql.execute("ALTER DATABASE " + database + " ALLOW_CONNECTIONS true");
            }
        }
        // the failed exchange did not spend the code, the failed refresh rotated nothing
        Platform.exchange(code).then().statusCode(200);
        JsonPath rotated =
                Platform.refresh(refreshToken).then().statusCode(200).extract().jsonPath();
        Platform.refresh(rotated.getString("refresh_token")).then().statusCode(200);
    }

    @Test
    void noSecretAppearsInAnyEventOrLogLine() throws Exception {
        List<String> secrets = new ArrayList<>();
        try (EventTap tap = EventTap.open(
                Topics.TOKEN_EVENTS, Topics.KEY_EVENTS, Topics.SECURITY_COMMANDS, Topics.PAIRING_EVENTS)) {
            String account = Platform.randomAccount();
            String code = Platform.issueCode(account, "data:read");
            secrets.add(code);
            secrets.add(code.replace("-", ""));
            JsonPath paired = given().contentType(ContentType.URLENC)
                    .header("User-Agent", "hub/1.0 (leaked ocr_" + "Q".repeat(43) + ")")
                    .formParam("grant_type", Platform.PAIRING_GRANT)
                    .formParam("pairing_code", code)
                    .post("/v1/oauth/token")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            secrets.add("ocr_" + "Q".repeat(43));
            secrets.add(paired.getString("access_token"));
            given().contentType(ContentType.URLENC)
                    .formParam("grant_type", Platform.PAIRING_GRANT)
                    .formParam("pairing_code", Platform.issueCode(account, "data:read"))
                    .formParam("device_name", "ocr_" + "R".repeat(43))
                    .post("/v1/oauth/token")
                    .then()
                    .statusCode(400)
                    .body("error", equalTo("invalid_request"));
            secrets.add("ocr_" + "R".repeat(43));
            secrets.add(paired.getString("refresh_token"));
            JsonPath rotated = Platform.refresh(paired.getString("refresh_token"))
                    .then()
                    .extract()
                    .jsonPath();
            secrets.add(rotated.getString("access_token"));
            secrets.add(rotated.getString("refresh_token"));
            Platform.refresh(paired.getString("refresh_token")).then().statusCode(400); // reuse
            String keyId = "key_s" + account.substring(4);
            String apiKey = Platform.registerKey(keyId, account, "VALID", "devices:read");
            secrets.add(apiKey);
            String keyToken = Platform.clientCredentials(keyId, apiKey, null)
                    .then()
                    .extract()
                    .path("access_token");
            secrets.add(keyToken);
            Platform.clientCredentials(apiKey, apiKey, null).then().statusCode(401); // key pasted as client_id
            given().contentType(ContentType.URLENC)
                    .formParam("token", keyToken)
                    .post("/v1/oauth/revoke")
                    .then()
                    .statusCode(200);
            tap.await(
                    e -> e.type().equals(EventType.TOKEN_REVOKED.type())
                            && keyToken.length() > 0
                            && account.equals(e.accountId())
                            && "access".equals(e.string("token_kind")),
                    Duration.ofSeconds(20));

            for (var record : tap.records()) {
                String value = record.value() == null ? "" : new String(record.value(), StandardCharsets.UTF_8);
                StringBuilder text = new StringBuilder(value);
                record.headers().forEach(h -> text.append('\n').append(new String(h.value(), StandardCharsets.UTF_8)));
                assertThat(CREDENTIAL.matcher(text).find())
                        .as("credential-shaped value in %s", value)
                        .isFalse();
                for (String secret : secrets) {
                    assertThat(text.toString()).doesNotContain(secret);
                }
            }
        }
        Path log = Path.of("target/token-service-test.log");
        assertThat(log).exists();
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        assertThat(lines).isNotEmpty();
        for (String line : lines) {
            assertThat(CREDENTIAL.matcher(line).find())
                    .as("credential-shaped value in log: %s", line)
                    .isFalse();
            for (String secret : secrets) {
                assertThat(line).doesNotContain(secret);
            }
        }
    }

    private static String databaseName() {
        String url = ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class);
        return url.substring(url.lastIndexOf('/') + 1);
    }

    private static int outboxRows() throws Exception {
        String url = ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class);
        try (Connection db = java.sql.DriverManager.getConnection(url, "postgres", "");
                PreparedStatement select = db.prepareStatement("SELECT count(*) FROM outbox")) {
            ResultSet row = select.executeQuery();
            row.next();
            return row.getInt(1);
        }
    }
}
