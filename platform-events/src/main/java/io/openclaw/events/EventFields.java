package io.openclaw.events;

/** Names of the data fields every event shares, and of common type-specific ones. */
public final class EventFields {
    public static final String ACCOUNT_ID = "account_id";
    public static final String ACTOR = "actor";
    public static final String SUBJECT = "subject";
    public static final String OUTCOME = "outcome";
    public static final String REASON = "reason";
    public static final String SOURCE_IP = "source_ip";
    public static final String USER_AGENT = "user_agent";

    public static final String SCOPES = "scopes";
    public static final String LABEL = "label";
    public static final String EXPIRES_AT = "expires_at";
    public static final String DEVICE_ID = "device_id";
    public static final String FAMILY_ID = "family_id";
    public static final String KEY_ID = "key_id";
    public static final String JTI = "jti";
    public static final String KID = "kid";
    public static final String GRANT_TYPE = "grant_type";
    public static final String CLIENT_ID = "client_id";
    public static final String RULE = "rule";
    public static final String SEVERITY = "severity";
    public static final String EVIDENCE = "evidence";
    public static final String ALERT_ID = "alert_id";
    public static final String IP = "ip";
    public static final String NETWORK = "network";
    public static final String UNTIL = "until";

    private EventFields() {}
}
