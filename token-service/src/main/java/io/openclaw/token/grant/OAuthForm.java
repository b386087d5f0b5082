package io.openclaw.token.grant;

import io.openclaw.events.http.FormUrlEncoded;

/**
 * The form body of an OAuth endpoint (token, revocation, introspection), parsed strictly: a body that is not
 * valid form encoding, and a parameter given twice, are {@code invalid_request} (RFC 6749 §3.1, §3.2).
 */
public final class OAuthForm {

    private static final OAuthForm EMPTY = new OAuthForm(FormUrlEncoded.parse(""));

    private final FormUrlEncoded form;

    private OAuthForm(FormUrlEncoded form) {
        this.form = form;
    }

    public static OAuthForm parse(String body) {
        try {
            return new OAuthForm(FormUrlEncoded.parse(body));
        } catch (FormUrlEncoded.Malformed e) {
            throw OAuthException.invalidRequest(e.getMessage());
        }
    }

    /** A form with no parameters, until the body is parsed. */
    static OAuthForm empty() {
        return EMPTY;
    }

    /** The parameter's one value; null when absent or empty. */
    public String single(String name) {
        try {
            return form.single(name);
        } catch (FormUrlEncoded.Malformed e) {
            throw OAuthException.invalidRequest(e.getMessage());
        }
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
