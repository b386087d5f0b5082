package io.openclaw.keys.account;

import java.time.Instant;
import java.util.List;

/** A tenant: its device-scope catalog and what a leak report does to its keys. */
public record Account(String id, String name, List<String> deviceScopes, String leakPolicy, Instant createdAt) {

    public static final String REVOKE = "revoke";
    public static final String SUSPEND = "suspend";
}
