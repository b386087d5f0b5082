package io.openclaw.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalStoresIT {

    @Test
    void eachRunGetsItsOwnDatabaseWhichIsDroppedAfterwards() throws Exception {
        PostgresResource resource = new PostgresResource();
        Map<String, String> config = resource.start();
        String url = config.get("quarkus.datasource.jdbc.url");
        String database = url.substring(url.lastIndexOf('/') + 1);

        assertThat(exists(database)).isTrue();
        resource.stop();
        assertThat(exists(database)).isFalse();
    }

    @Test
    void twoRunsNeverShareARedisDatabase() {
        int first = RedisResource.claimDatabase();
        int second = RedisResource.claimDatabase();
        try (RedisConnection redis = RedisConnection.open(first)) {
            redis.command("SET", "marker", "1");
            assertThat(first).isNotEqualTo(second);
            assertThat(redis.command("GET", "marker")).isEqualTo("1");
        } finally {
            RedisResource.releaseDatabase(first);
            RedisResource.releaseDatabase(second);
        }
        try (RedisConnection redis = RedisConnection.open(first)) {
            assertThat(redis.command("GET", "marker")).isNull();
        }
    }

    @Test
    void anUnreachableServerFailsWithTheCommandThatStartsIt() {
        assertThatThrownBy(() -> LocalServices.requireReachable("Redis", "127.0.0.1", 1, LocalServices.REDIS_START))
                .hasMessageContaining("redis-server --daemonize yes");
    }

    @Test
    void testTokensVerifyAgainstTheTestJwks() throws Exception {
        String token = TestJwt.token("acc_1", "pairing:issue").sign();
        String[] parts = token.split("\\.");
        String header = new String(java.util.Base64.getUrlDecoder().decode(parts[0]));
        String claims = new String(java.util.Base64.getUrlDecoder().decode(parts[1]));

        assertThat(header).contains("\"typ\":\"at+jwt\"").contains("\"kid\":\"" + TestJwt.KID + "\"");
        assertThat(claims).contains("\"acc\":\"acc_1\"").contains("\"groups\":[\"pairing:issue\"]");
        var jwks = java.nio.file.Files.readString(java.nio.file.Paths.get(java.net.URI.create(TestJwt.jwksLocation())));
        assertThat(jwks).contains(TestJwt.KID);
        java.security.Signature rsa = java.security.Signature.getInstance("SHA256withRSA");
        var pub = java.security.KeyFactory.getInstance("RSA")
                .generatePublic(new java.security.spec.RSAPublicKeySpec(
                        new java.math.BigInteger(
                                1, java.util.Base64.getUrlDecoder().decode(field(jwks, "n"))),
                        new java.math.BigInteger(
                                1, java.util.Base64.getUrlDecoder().decode(field(jwks, "e")))));
        rsa.initVerify(pub);
        rsa.update((parts[0] + "." + parts[1]).getBytes());
        assertThat(rsa.verify(java.util.Base64.getUrlDecoder().decode(parts[2])))
                .isTrue();
    }

    private static String field(String json, String name) {
        int start = json.indexOf("\"" + name + "\":\"") + name.length() + 4;
        return json.substring(start, json.indexOf('"', start));
    }

    private static boolean exists(String database) throws Exception {
        try (Connection c = PostgresResource.connect("postgres");
                ResultSet rs = c.createStatement()
                        .executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database + "'")) {
            return rs.next();
        }
    }
}
