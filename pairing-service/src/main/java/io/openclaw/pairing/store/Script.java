package io.openclaw.pairing.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Lua scripts that make every state change of this service one atomic Redis operation, each together
 * with the event it causes (appended to the outbox stream in the same script).
 */
public enum Script {
    ISSUE_CODE("issue_code"),
    LIST_CODES("list_codes"),
    REVOKE_CODE("revoke_code"),
    REDEEM_CODE("redeem_code"),
    DEVICE_START("device_start"),
    DEVICE_DECIDE("device_decide"),
    DEVICE_POLL("device_poll"),
    APPLY_BLOCK("apply_block"),
    LEARN_ACCOUNT("learn_account"),
    CHECK_ATTACK("check_attack"),
    RELAY_LEASE("relay_lease");

    private final String source;
    private final String sha;

    Script(String name) {
        this.source = read("common") + "\n" + read(name);
        this.sha = sha1(source);
    }

    public String source() {
        return source;
    }

    public String sha() {
        return sha;
    }

    private static String read(String name) {
        String path = "/io/openclaw/pairing/lua/" + name + ".lua";
        try (InputStream in = Script.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing script " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
