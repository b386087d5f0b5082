package io.openclaw.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs deploy/k8s/overlays/dev/create-dev-secrets.sh against a stand-in {@code kubectl} that records what it is asked
 * to create, and checks the Secrets against the catalogue and the formats the services accept.
 */
class DevSecretsScriptTest {

    private static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    record Run(int exit, String output, Map<String, Map<String, String>> created, List<String> calls) {}

    @Test
    void theScriptCreatesExactlyTheCataloguedSecretsWithValuesTheServicesAccept(@TempDir Path dir) throws Exception {
        Run run = run(dir, false);

        assertThat(run.exit()).as(run.output()).isZero();
        Map<String, java.util.Set<String>> keys = new TreeMap<>();
        run.created().forEach((name, values) -> keys.put(name, new java.util.TreeSet<>(values.keySet())));
        assertThat(keys).isEqualTo(SecretsCatalog.load().operatorSecrets("dev"));

        for (String[] key : new String[][] {
            {"pairing-service-secrets", "pairing-code-hmac-key"},
            {"token-service-secrets", "token-kek"},
            {"key-rotation-service-secrets", "sealing-key"}
        }) {
            assertThat(Base64.getDecoder().decode(run.created().get(key[0]).get(key[1])))
                    .as(key[1] + " is base64 of 32 bytes")
                    .hasSize(32);
        }
        String adminKey = run.created().get("key-rotation-service-secrets").get("bootstrap-admin-key");
        assertThat(adminKey).matches("ock_live_[0-9A-Za-z]{38}");
        assertThat(adminKey.substring(41)).as("CRC32 checksum").isEqualTo(checksum(adminKey.substring(0, 41)));

        String redisPassword = run.created().get("redis-auth").get("password");
        assertThat(run.created().get("pairing-service-secrets").get("redis-hosts"))
                .isEqualTo("redis://:" + redisPassword + "@redis:6379/0");
        assertThat(run.created().get("token-service-secrets").get("db-jdbc-url"))
                .isEqualTo("jdbc:postgresql://postgresql:5432/openclaw_token");
        assertThat(run.created().get("audit-service-secrets").get("db-reactive-url"))
                .isEqualTo("postgresql://postgresql:5432/openclaw_audit");

        run.created().values().stream()
                .flatMap(values -> values.values().stream())
                .filter(value -> value.length() >= 16 && !value.contains("postgresql"))
                .forEach(value -> assertThat(run.output())
                        .as("the script prints no secret")
                        .doesNotContain(value));
    }

    @Test
    void aSecondRunKeepsEveryExistingSecret(@TempDir Path dir) throws Exception {
        Run run = run(dir, true);

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.created()).isEmpty();
        assertThat(run.output()).contains("secret/token-service-secrets exists, kept");
    }

    private static Run run(Path dir, boolean secretsExist) throws IOException, InterruptedException {
        Path log = dir.resolve("calls");
        Path kubectl = dir.resolve("kubectl");
        Files.writeString(
                kubectl,
                """
                #!/bin/sh
                # stand-in for kubectl: records each call, one argument per line, calls separated by ---
                for arg in "$@"; do printf '%%s\\n' "$arg" >> '%s'; done
                echo --- >> '%s'
                case "$*" in
                  *"get secret redis-auth"*) %s ;;
                  *" get "*) %s ;;
                esac
                exit 0
                """
                        .formatted(
                                log,
                                log,
                                secretsExist ? "printf %s \"$(printf kept-password | base64)\"; exit 0" : "exit 1",
                                secretsExist ? "exit 0" : "exit 1"));
        Files.setPosixFilePermissions(kubectl, PosixFilePermissions.fromString("rwx------"));
        Path script = RenderedManifests.repositoryRoot().resolve("deploy/k8s/overlays/dev/create-dev-secrets.sh");

        ProcessBuilder builder = new ProcessBuilder("sh", script.toString(), "openclaw-test").redirectErrorStream(true);
        builder.environment().put("PATH", dir + ":" + System.getenv("PATH"));
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

        List<String> calls = Files.exists(log) ? List.of(Files.readString(log).split("(?m)^---\\n")) : List.of();
        Map<String, Map<String, String>> created = new HashMap<>();
        for (String call : calls) {
            List<String> args = call.lines().toList();
            int generic = args.indexOf("generic");
            if (args.contains("create") && args.contains("secret") && generic >= 0) {
                assertThat(args).as("namespaced").containsSequence("-n", "openclaw-test");
                Map<String, String> values = new HashMap<>();
                for (String arg : args.subList(generic + 2, args.size())) {
                    assertThat(arg).startsWith("--from-literal=");
                    String pair = arg.substring("--from-literal=".length());
                    int equals = pair.indexOf('=');
                    assertThat(pair.substring(equals + 1))
                            .as(pair.substring(0, equals))
                            .isNotBlank();
                    values.put(pair.substring(0, equals), pair.substring(equals + 1));
                }
                created.put(args.get(generic + 1), values);
            }
        }
        return new Run(process.exitValue(), output, created, calls);
    }

    /** The API-key checksum: CRC32 of everything before it, in base62, six symbols. */
    private static String checksum(String body) {
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.US_ASCII));
        long value = crc.getValue();
        StringBuilder digits = new StringBuilder();
        while (value > 0) {
            digits.insert(0, ALPHABET.charAt((int) (value % 62)));
            value /= 62;
        }
        while (digits.length() < 6) {
            digits.insert(0, '0');
        }
        return digits.toString();
    }
}
