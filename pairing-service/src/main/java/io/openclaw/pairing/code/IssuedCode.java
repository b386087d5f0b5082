package io.openclaw.pairing.code;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/** A new pairing code, the only time the code itself is shown. {@code qr} is a data URI when asked for. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IssuedCode(
        String id,
        String code,
        Instant expiresAt,
        long expiresIn,
        List<String> scopes,
        String label,
        String supersedes,
        String qr) {

    public IssuedCode withQr(String dataUri) {
        return new IssuedCode(id, code, expiresAt, expiresIn, scopes, label, supersedes, dataUri);
    }
}
