package io.openclaw.e2e.journey;

import static org.assertj.core.api.Assertions.assertThat;

import io.openclaw.e2e.Http;
import io.openclaw.e2e.Http.Reply;
import io.openclaw.e2e.PlatformUnderTest;
import java.util.List;
import java.util.Map;

/** Steps that several journeys share: an admin token, an account with an owner key, an owner token. */
final class Journeys {

    static final List<String> OWNER_SCOPES = List.of(
            "keys:manage",
            "pairing:issue",
            "tokens:introspect",
            "devices:read",
            "devices:revoke",
            "audit:read",
            "alerts:manage",
            "data:read",
            "data:write",
            "device:control");

    private Journeys() {}

    static Http token() {
        return Http.to(platform().token.baseUrl());
    }

    static Http pairing() {
        return Http.to(platform().pairing.baseUrl());
    }

    static Http keys() {
        return Http.to(platform().keys.baseUrl());
    }

    static Http audit() {
        return Http.to(platform().audit.baseUrl());
    }

    static PlatformUnderTest platform() {
        return PlatformUnderTest.shared();
    }

    /** client_credentials with an API key; asserts success and returns the access token. */
    static String clientCredentials(String keyId, String key) {
        Reply reply = token().postForm(
                        "/v1/oauth/token",
                        Http.form("grant_type", "client_credentials", "client_id", keyId, "client_secret", key));
        assertThat(reply.status()).as("client_credentials: %s", reply).isEqualTo(200);
        assertThat(reply.header("Cache-Control")).contains("no-store");
        return reply.field("access_token");
    }

    static String adminToken() {
        return clientCredentials(PlatformUnderTest.ADMIN_KEY_ID, platform().adminKey);
    }

    /** A new account and an owner key in it, as the bootstrap admin makes them. */
    static Owner onboard(String name) {
        Http admin = keys().bearer(adminToken());
        Reply account = admin.postJson("/v1/accounts", Map.of("name", name));
        assertThat(account.status()).as("create account: %s", account).isEqualTo(201);
        String accountId = account.field("id");

        Reply key = admin.postJson(
                "/v1/keys",
                Map.of(
                        "name",
                        name + " backend",
                        "scopes",
                        OWNER_SCOPES,
                        "environment",
                        "test",
                        "account_id",
                        accountId));
        assertThat(key.status()).as("create key: %s", key).isEqualTo(201);
        String keyId = key.field("id");
        String secret = key.field("key");
        return new Owner(accountId, keyId, secret, clientCredentials(keyId, secret));
    }

    /** An account owner with its key and a current access token. */
    record Owner(String accountId, String keyId, String key, String accessToken) {}
}
