package io.openclaw.keys.account;

import java.util.List;

/** Bodies of the account endpoints. */
public final class AccountRequests {

    private AccountRequests() {}

    /** {@code POST /v1/accounts}. */
    public record Create(String name, List<String> deviceScopes, String leakPolicy) {}
}
