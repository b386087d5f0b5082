package io.openclaw.e2e.deploy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** deploy/k8s/secrets-catalog.yaml: every Secret the manifests may reference, who creates it, and its keys. */
record SecretsCatalog(List<Entry> secrets) {

    @JsonIgnoreProperties(ignoreUnknown = false)
    record Entry(String name, String createdBy, List<String> overlays, Map<String, String> keys) {}

    static SecretsCatalog load() throws IOException {
        return RenderedManifests.YAML
                .copy()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .readValue(
                        RenderedManifests.repositoryRoot()
                                .resolve("deploy/k8s/secrets-catalog.yaml")
                                .toFile(),
                        SecretsCatalog.class);
    }

    /** Secret name → keys, for the Secrets an overlay uses. */
    Map<String, Set<String>> keysFor(String overlay) {
        Map<String, Set<String>> keys = new TreeMap<>();
        secrets.stream()
                .filter(s -> s.overlays().contains(overlay))
                .forEach(s -> keys.put(s.name(), new TreeSet<>(s.keys().keySet())));
        return keys;
    }

    /** The Secrets that people create (not an operator such as Strimzi or cert-manager). */
    Map<String, Set<String>> operatorSecrets(String overlay) {
        Map<String, Set<String>> keys = new TreeMap<>();
        secrets.stream()
                .filter(s -> s.overlays().contains(overlay) && s.createdBy().equals("operator"))
                .forEach(s -> keys.put(s.name(), new TreeSet<>(s.keys().keySet())));
        return keys;
    }
}
