package io.openclaw.audit.detection;

import io.openclaw.audit.config.AuditConfig;
import io.openclaw.audit.log.Networks;
import io.openclaw.events.CloudEvent;
import io.openclaw.events.EventFields;
import io.openclaw.events.EventType;
import io.openclaw.events.KafkaCloudEvents;
import io.openclaw.events.Outcome;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Reads binary-mode CloudEvents (attributes in headers) and emits one observation per rule the event
 * matters to, keyed by what that rule counts per. Malformed records are skipped here; the audit log writer
 * dead-letters them.
 */
final class ObservationExtractor implements Processor<String, byte[], String, Observation> {

    static final Set<EventType> ISSUANCE = EnumSet.of(
            EventType.PAIRING_CODE_ISSUED, EventType.KEY_CREATED, EventType.PAIRING_DEVICE_AUTHORIZATION_APPROVED);
    static final Set<EventType> REVOCATION = EnumSet.of(
            EventType.KEY_REVOKED,
            EventType.TOKEN_REVOKED,
            EventType.TOKEN_DEVICE_REVOKED,
            EventType.PAIRING_CODE_REVOKED);

    /** The types any rule looks at; every other event is dropped before its data is parsed. */
    static final Set<String> OBSERVED = observedTypes();

    private final AuditConfig.Rules rules;
    private ProcessorContext<String, Observation> context;

    ObservationExtractor(AuditConfig.Rules rules) {
        this.rules = rules;
    }

    @Override
    public void init(ProcessorContext<String, Observation> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, byte[]> record) {
        Header type = record.headers().lastHeader("ce_type");
        if (type == null
                || type.value() == null
                || !OBSERVED.contains(new String(type.value(), StandardCharsets.UTF_8))) {
            return;
        }
        CloudEvent event;
        try {
            event = KafkaCloudEvents.fromParts(record.headers(), record.key(), record.value());
        } catch (RuntimeException e) {
            return;
        }
        for (Keyed k : observe(event, rules)) {
            context.forward(new Record<>(k.key(), k.observation(), record.timestamp()));
        }
    }

    private static Set<String> observedTypes() {
        Set<String> types = new HashSet<>();
        for (EventType t : EnumSet.of(
                EventType.PAIRING_CODE_REJECTED,
                EventType.TOKEN_REFRESH_REUSE_DETECTED,
                EventType.TOKEN_REJECTED,
                EventType.KEY_REJECTED,
                EventType.KEY_USED)) {
            types.add(t.type());
        }
        ISSUANCE.forEach(t -> types.add(t.type()));
        REVOCATION.forEach(t -> types.add(t.type()));
        return Set.copyOf(types);
    }

    /** An observation with the key it is counted under. */
    record Keyed(String key, Observation observation) {}

    static List<Keyed> observe(CloudEvent e, AuditConfig.Rules rules) {
        List<Keyed> out = new ArrayList<>();
        EventType type = e.eventType().orElse(null);
        if (type == null) {
            return out;
        }
        long time = e.time().toEpochMilli();
        String account = e.accountId();
        String reason = e.reason();
        switch (type) {
            case PAIRING_CODE_REJECTED -> {
                if (reason != null && !rules.bruteForce().reasons().contains(reason)) {
                    break;
                }
                String ip = ipOf(e);
                if (ip != null) {
                    out.add(keyed("bf-ip|" + ip, Rule.BRUTE_FORCE_IP, ip, e, account, time, null, null, reason));
                    String network = Networks.networkOf(ip);
                    if (network != null) {
                        out.add(keyed(
                                "bf-net|" + network,
                                Rule.BRUTE_FORCE_NETWORK,
                                network,
                                e,
                                account,
                                time,
                                network,
                                null,
                                reason));
                    }
                }
                if (account != null) {
                    out.add(keyed(
                            "bf-acc|" + account,
                            Rule.BRUTE_FORCE_ACCOUNT,
                            account,
                            e,
                            account,
                            time,
                            null,
                            null,
                            reason));
                }
            }
            case TOKEN_REFRESH_REUSE_DETECTED -> {
                String family = e.string(EventFields.FAMILY_ID) != null
                        ? e.string(EventFields.FAMILY_ID)
                        : e.string(EventFields.SUBJECT);
                out.add(keyed("reuse|" + family, Rule.REFRESH_REUSE, family, e, account, time, null, null, reason));
            }
            case TOKEN_REJECTED -> {
                if (reason != null && rules.revokedCredential().reasons().contains(reason)) {
                    String subject = credentialOf(e);
                    out.add(keyed(
                            "cred|" + subject, Rule.REVOKED_CREDENTIAL, subject, e, account, time, null, null, reason));
                }
            }
            case KEY_REJECTED -> {
                String keyId = e.string(EventFields.KEY_ID) != null
                        ? e.string(EventFields.KEY_ID)
                        : e.string(EventFields.SUBJECT);
                if (reason != null && rules.revokedCredential().reasons().contains(reason)) {
                    out.add(keyed(
                            "cred|" + keyId, Rule.REVOKED_CREDENTIAL, keyId, e, account, time, null, keyId, reason));
                }
                if (reason != null && rules.allowlist().reasons().contains(reason)) {
                    out.add(keyed("allow|" + keyId, Rule.ALLOWLIST, keyId, e, account, time, null, keyId, reason));
                }
            }
            case KEY_USED -> {
                String keyId = e.string(EventFields.KEY_ID);
                if (keyId == null) {
                    break;
                }
                out.add(keyed("spike|" + keyId, Rule.USAGE_SPIKE, keyId, e, account, time, null, keyId, null));
                String network = e.string(EventFields.NETWORK) != null
                        ? e.string(EventFields.NETWORK)
                        : Networks.networkOf(e.sourceIp());
                if (e.outcome() == Outcome.SUCCESS && network != null) {
                    out.add(keyed("net|" + keyId, Rule.NEW_NETWORK, keyId, e, account, time, network, keyId, null));
                }
            }
            default -> {
                // lifecycle events below
            }
        }
        if (ISSUANCE.contains(type) && e.actor() != null) {
            out.add(keyed(
                    "issue|" + e.actor(), Rule.MASS_ISSUANCE, e.actor(), e, account, time, null, null, type.type()));
        }
        if (REVOCATION.contains(type) && e.actor() != null) {
            out.add(keyed(
                    "revoke|" + e.actor(), Rule.MASS_REVOCATION, e.actor(), e, account, time, null, null, type.type()));
        }
        return out;
    }

    /**
     * The credential a token rejection is about: the token (jti), else its refresh family, else the device
     * or client that presented it. Never the grant type, which token-service puts in {@code subject} and
     * which would merge every account's rejections into one count.
     */
    static String credentialOf(CloudEvent e) {
        for (String field : new String[] {EventFields.JTI, EventFields.FAMILY_ID, EventFields.DEVICE_ID}) {
            if (e.string(field) != null) {
                return e.string(field);
            }
        }
        String actor = e.actor();
        if (actor != null && !actor.isBlank() && !"unknown".equals(actor)) {
            return actor;
        }
        return e.string(EventFields.SUBJECT);
    }

    private static String ipOf(CloudEvent e) {
        if (e.sourceIp() != null) {
            return e.sourceIp();
        }
        String actor = e.actor();
        return actor != null && actor.startsWith("ip:") ? actor.substring(3) : null;
    }

    private static Keyed keyed(
            String key,
            String rule,
            String subject,
            CloudEvent e,
            String account,
            long time,
            String network,
            String keyId,
            String detail) {
        return new Keyed(key, new Observation(rule, subject, e.id(), account, time, network, keyId, detail));
    }
}
