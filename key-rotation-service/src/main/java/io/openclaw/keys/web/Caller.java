package io.openclaw.keys.web;

import io.openclaw.keys.support.Ids;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** Who is calling, from the verified access token: principal, account ({@code acc}) and scopes. */
public record Caller(String subject, String accountId, Set<String> scopes) {

    public static final String PLATFORM_ACCOUNT = "acc_platform";

    public static Caller of(JsonWebToken jwt) {
        String account = jwt.getClaim("acc");
        return new Caller(jwt.getSubject(), account, Set.copyOf(jwt.getGroups()));
    }

    public boolean isPlatformAdmin() {
        return scopes.contains("platform:admin");
    }

    /**
     * The account a management call acts on. Account principals act on their own account; a platform admin
     * may name one, and otherwise acts on the platform account. Naming another account is a 404 (never a
     * hint that it exists). An account id that is given must be well-formed ({@code ""} is not "none").
     */
    public String actingAccount(String requested) {
        if (requested != null && !Ids.isAccountId(requested)) {
            throw Problem.badRequest("invalid_account_id", "account_id is an account id such as 'acc_…'");
        }
        if (requested == null) {
            if (accountId != null) {
                return accountId;
            }
            if (isPlatformAdmin()) {
                return PLATFORM_ACCOUNT;
            }
            throw Problem.badRequest("account_required", "the access token names no account");
        }
        if (requested.equals(accountId) || isPlatformAdmin()) {
            return requested;
        }
        throw Problem.notFound("account_not_found", "no such account");
    }

    /** Whether the caller may see objects of this account. */
    public boolean canSee(String account) {
        return isPlatformAdmin() || account.equals(accountId);
    }
}
