package io.openclaw.pairing.web;

import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** Who is calling, from the verified access token: principal, account ({@code acc}) and scopes. */
public record Caller(String subject, String accountId, Set<String> scopes) {

    public static Caller of(JsonWebToken token) {
        Object acc = token.getClaim("acc");
        return new Caller(token.getSubject(), acc == null ? null : acc.toString(), Set.copyOf(token.getGroups()));
    }

    /** The caller's account; a principal without one (platform admin, service) cannot act here. */
    public String requireAccount() {
        if (accountId == null || accountId.isBlank()) {
            throw new ProblemException(403, "account_required", "this operation needs a token of an account");
        }
        return accountId;
    }
}
