package io.openclaw.token.grant;

import io.openclaw.events.http.FormUrlEncoded;
import java.util.List;
import java.util.Map;

/**
 * The form body of an OAuth endpoint (token, revocation, introspection), parsed strictly: a body that is not
 * valid form encoding, and a parameter given twice, are {@code invalid_request} (RFC 6749 §3.1, §3.2).
 */
public final class OAuthForm {

    private final Map<String, List<String>> parameters;

    private OAuthForm(Map<String, List<String>> parameters) {
        this.parameters = parameters;
    }

    public static OAuthForm parse(String body) {
        try {
            return new OAuthForm(FormUrlEncoded.parse(body));
        } catch (FormUrlEncoded.Malformed e) {
            throw OAuthException.invalidRequest(e.getMessage());
        }
    }

    /** A form with no parameters, for a request whose body could not be read. */
    static OAuthForm empty() {
        return new OAuthForm(Map.of());
    }

    /** The parameter's one value; null when absent or empty. */
    public String single(String name) {
        List<String> values = parameters.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw OAuthException.invalidRequest(name + " must not be repeated");
        }
        String value = values.get(0);
        return value.isEmpty() ? null : value;
    }

    /** The parameter's one value; {@code invalid_request} when absent or empty. */
    public String required(String name) {
        String value = single(name);
        if (value == null) {
            throw OAuthException.invalidRequest(name + " is required");
        }
        return value;
    }
}
