package io.openclaw.events;

import java.util.regex.Pattern;

/**
 * The shape of the platform's ids (DESIGN.md "Identity"): a prefix and base62, or a reserved name such as
 * {@code acc_platform} or {@code key_platform_admin}. Input that is not of the shape never reaches a store
 * or an event as an id.
 */
public final class IdFormat {

    private static final Pattern ACCOUNT_ID = Pattern.compile("acc_[0-9A-Za-z_]{1,64}");
    private static final Pattern KEY_ID = Pattern.compile("key_[0-9A-Za-z_]{1,64}");

    private IdFormat() {}

    public static boolean isAccountId(String id) {
        return id != null && ACCOUNT_ID.matcher(id).matches();
    }

    public static boolean isKeyId(String id) {
        return id != null && KEY_ID.matcher(id).matches();
    }
}
