package io.openclaw.audit.web;

import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Who is asking: the account from the token's {@code acc} claim, or a platform admin who may look across
 * accounts.
 */
public record Caller(String accountId, String principal, boolean platformAdmin) {

    public static final String PLATFORM_ADMIN = "platform:admin";

    public static Caller of(JsonWebToken jwt) {
        String account = jwt.getClaim("acc");
        boolean admin = jwt.getGroups() != null && jwt.getGroups().contains(PLATFORM_ADMIN);
        return new Caller(account, jwt.getSubject(), admin);
    }

    /**
     * The account the caller's query is limited to: its own; for a platform admin the one asked for, or
     * null for every account.
     */
    public String scope(String requestedAccount) {
        if (platformAdmin) {
            return requestedAccount;
        }
        if (accountId == null) {
            throw new ProblemException(403, "no_account", "the token names no account");
        }
        return accountId;
    }

    /** Whether the caller may see an object of the account. */
    public boolean maySee(String objectAccount) {
        return platformAdmin || (accountId != null && accountId.equals(objectAccount));
    }
}
