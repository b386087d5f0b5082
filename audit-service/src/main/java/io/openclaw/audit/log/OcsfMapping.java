package io.openclaw.audit.log;

import io.openclaw.events.CloudEvent;
import io.openclaw.events.EventFields;
import io.openclaw.events.EventType;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Maps a stored record onto OCSF fields for SIEM subscribers: class, activity, status and source endpoint.
 * The table is documented in docs/audit.md.
 */
public final class OcsfMapping {

    /** OCSF class of a record. */
    public record OcsfClass(int uid, String name, int categoryUid) {}

    static final OcsfClass ACCOUNT_CHANGE = new OcsfClass(3001, "Account Change", 3);
    static final OcsfClass AUTHENTICATION = new OcsfClass(3002, "Authentication", 3);
    static final OcsfClass ENTITY_MANAGEMENT = new OcsfClass(3004, "Entity Management", 3);
    static final OcsfClass DETECTION_FINDING = new OcsfClass(2004, "Detection Finding", 2);
    static final OcsfClass REMEDIATION_ACTIVITY = new OcsfClass(7001, "Remediation Activity", 7);

    private static final Set<String> COMMON = Set.of(
            EventFields.ACCOUNT_ID,
            EventFields.ACTOR,
            EventFields.SUBJECT,
            EventFields.OUTCOME,
            EventFields.REASON,
            EventFields.SOURCE_IP,
            EventFields.USER_AGENT);

    private OcsfMapping() {}

    public static OcsfClass classOf(String type) {
        EventType known = EventType.of(type).orElse(null);
        if (known == null) {
            return ENTITY_MANAGEMENT;
        }
        return switch (known) {
            case PAIRING_CODE_REDEEMED,
                    PAIRING_CODE_REJECTED,
                    PAIRING_DEVICE_AUTHORIZATION_REQUESTED,
                    PAIRING_DEVICE_AUTHORIZATION_APPROVED,
                    PAIRING_DEVICE_AUTHORIZATION_DENIED,
                    TOKEN_ISSUED,
                    TOKEN_REFRESHED,
                    TOKEN_REJECTED,
                    TOKEN_REFRESH_REUSE_DETECTED,
                    KEY_USED,
                    KEY_REJECTED -> AUTHENTICATION;
            case ACCOUNT_CREATED -> ACCOUNT_CHANGE;
            case PAIRING_ATTACK_SUSPECTED,
                    PAIRING_LOCKOUT_STARTED,
                    ALERT_RAISED,
                    ALERT_ACKNOWLEDGED,
                    ALERT_RESOLVED -> DETECTION_FINDING;
            case PAIRING_IP_BLOCKED,
                    COMMAND_BLOCK_IP,
                    COMMAND_REVOKE_DEVICE,
                    COMMAND_SUSPEND_KEY,
                    COMMAND_REVOKE_KEY,
                    COMMAND_ROTATE_SIGNING_KEY -> REMEDIATION_ACTIVITY;
            default -> ENTITY_MANAGEMENT;
        };
    }

    /** The activity: the verb of the type, e.g. {@code rejected}, {@code refresh_reuse_detected}. */
    public static String activityOf(String type) {
        int dot = type.lastIndexOf('.');
        return dot < 0 ? type : type.substring(dot + 1);
    }

    /** OCSF status name for an outcome. */
    public static String statusOf(String outcome) {
        return switch (outcome == null ? "" : outcome) {
            case "success" -> "Success";
            case "failure" -> "Failure";
            default -> "Unknown";
        };
    }

    static int statusIdOf(String outcome) {
        return switch (outcome == null ? "" : outcome) {
            case "success" -> 1;
            case "failure" -> 2;
            default -> 0;
        };
    }

    /** Data fields beyond the common ones, for the record's {@code unmapped} object. */
    static Map<String, Object> unmapped(Map<String, Object> data) {
        Map<String, Object> rest = new LinkedHashMap<>();
        data.forEach((k, v) -> {
            if (!COMMON.contains(k) && v != null) {
                rest.put(k, v);
            }
        });
        return rest;
    }

    /**
     * The normalised, chained record published to {@code openclaw.audit.log}. Built directly (not through
     * the checking builder): its content was checked for secrets when the event entered the log.
     */
    public static CloudEvent recorded(AuditRecord r, Map<String, Object> data) {
        OcsfClass ocsf = classOf(r.type());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(EventFields.ACCOUNT_ID, r.accountId());
        out.put(EventFields.ACTOR, r.actor() == null ? "unknown" : r.actor());
        String subject = r.subject() == null ? r.eventId() : r.subject();
        out.put(EventFields.SUBJECT, subject);
        out.put(EventFields.OUTCOME, r.outcome());
        putIfPresent(out, EventFields.REASON, r.reason());
        putIfPresent(out, EventFields.SOURCE_IP, r.sourceIp());
        putIfPresent(out, EventFields.USER_AGENT, r.userAgent());
        out.put("event_id", r.eventId());
        out.put("event_type", r.type());
        out.put("event_source", r.source());
        out.put("class_uid", ocsf.uid());
        out.put("class_name", ocsf.name());
        out.put("category_uid", ocsf.categoryUid());
        out.put("activity", activityOf(r.type()));
        out.put("status", statusOf(r.outcome()));
        out.put("status_id", statusIdOf(r.outcome()));
        if (r.sourceIp() != null) {
            out.put("src_endpoint", Map.of("ip", r.sourceIp()));
        }
        Map<String, Object> rest = unmapped(data);
        if (!rest.isEmpty()) {
            out.put("unmapped", rest);
        }
        out.put("chain", r.chain());
        out.put("partition", r.partition());
        out.put("sequence", r.chainSeq());
        out.put("hash", r.hash());
        out.put("prev_hash", r.prevHash());
        if (r.traceparent() != null) {
            out.put("metadata", Map.of("traceparent", r.traceparent()));
        }
        String id = UUID.nameUUIDFromBytes(("audit.recorded:" + r.eventId()).getBytes(StandardCharsets.UTF_8))
                .toString();
        return new CloudEvent(
                id,
                "/audit-service",
                EventType.AUDIT_RECORDED.type(),
                r.time(),
                subject,
                r.accountId() == null ? CloudEvent.NO_ACCOUNT : r.accountId(),
                out,
                r.traceparent());
    }

    private static void putIfPresent(Map<String, Object> map, String field, Object value) {
        if (value != null) {
            map.put(field, value);
        }
    }
}
