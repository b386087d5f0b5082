package io.openclaw.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * There is no container engine on the build machines, so the images are checked as text: pinned Temurin JRE base,
 * the Quarkus fast-jar layout, a non-root user, and the port the Kubernetes Service expects.
 */
class DockerfilesTest {

    private static final Pattern FROM = Pattern.compile("(?m)^FROM\\s+(\\S+)(\\s+AS\\s+\\S+)?\\s*$");
    private static final Pattern USER = Pattern.compile("(?m)^USER\\s+(\\S+)\\s*$");
    private static final Pattern EXPOSE = Pattern.compile("(?m)^EXPOSE\\s+(\\d+)\\s*$");
    /** A Temurin JRE (21 or later) pinned to a full release such as 21.0.8_9, optionally by digest as well. */
    private static final Pattern PINNED_TEMURIN = Pattern.compile(
            "^(docker\\.io/library/)?eclipse-temurin:(2[1-9])\\.\\d+\\.\\d+_\\d+-jre(-[a-z]+)?(@sha256:[a-f0-9]{64})?$");

    @ParameterizedTest
    @ValueSource(strings = {"pairing-service", "token-service", "key-rotation-service", "audit-service"})
    void everyServiceImageIsAPinnedTemurinJreRunningTheFastJarAsANonRootUser(String service) throws IOException {
        Path dockerfile = RenderedManifests.repositoryRoot().resolve(service).resolve("src/main/docker/Dockerfile.jvm");
        String text = Files.readString(dockerfile);

        List<String> bases = FROM.matcher(text).results().map(m -> m.group(1)).toList();
        assertThat(bases).as("one base image").hasSize(1);
        assertThat(bases.get(0)).as("pinned Temurin JRE").matches(PINNED_TEMURIN);

        List<String> users = USER.matcher(text).results().map(m -> m.group(1)).toList();
        assertThat(users).as("a USER instruction").isNotEmpty();
        assertThat(users.get(users.size() - 1)).as("the last USER is UID 185").matches("185(:185)?");

        for (String layer : List.of("lib/", "app/", "quarkus/", "*.jar")) {
            assertThat(text)
                    .as("copies target/quarkus-app/" + layer + " owned by 185")
                    .containsPattern("(?m)^COPY --chown=185(:185)? target/quarkus-app/" + Pattern.quote(layer));
        }
        assertThat(text).contains("/deployments/quarkus-run.jar");
        assertThat(text).as("never runs as root at the end").doesNotContainPattern("(?m)^USER\\s+(0|root)\\s*$");

        Matcher expose = EXPOSE.matcher(text);
        assertThat(expose.find()).as("EXPOSE").isTrue();
        Service kubernetesService =
                RenderedManifests.of("prod").find(Service.class, service).orElseThrow();
        assertThat(kubernetesService.getSpec().getPorts())
                .as("the Service port matches the image's port")
                .anyMatch(p -> p.getPort() == Integer.parseInt(expose.group(1)));
    }
}
