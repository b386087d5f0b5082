package io.openclaw.events;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A CloudEvents 1.0 event with JSON data. On Kafka it travels in binary mode (attributes as {@code ce_*}
 * headers, data as the record value, see {@link KafkaCloudEvents}); in outboxes and Redis streams as
 * structured JSON (see {@link CloudEventJson}).
 *
 * <p>Data always carries {@code account_id}, {@code actor}, {@code subject}, {@code outcome} and, where
 * relevant, {@code reason}, {@code source_ip} and {@code user_agent}. Build events with {@link #builder}:
 * it refuses any field or value that looks like a credential.
 */
public record CloudEvent(
        String id,
        String source,
        String type,
        Instant time,
        String subject,
        String partitionKey,
        Map<String, Object> data,
        String traceparent) {

    public static final String SPEC_VERSION = "1.0";
    public static final String DATA_CONTENT_TYPE = "application/json";
    /** Partition key used when an event belongs to no account (e.g. a failed guess names none). */
    public static final String NO_ACCOUNT = "platform";
    /** W3C Trace Context {@code traceparent} (the CloudEvents distributed-tracing extension). */
    private static final java.util.regex.Pattern TRACEPARENT =
            java.util.regex.Pattern.compile("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");

    public CloudEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(partitionKey, "partitionKey");
        data = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(data, "data")));
        if (traceparent != null && !TRACEPARENT.matcher(traceparent).matches()) {
            traceparent = null;
        }
    }

    /** An event outside any trace. */
    public CloudEvent(
            String id,
            String source,
            String type,
            Instant time,
            String subject,
            String partitionKey,
            Map<String, Object> data) {
        this(id, source, type, time, subject, partitionKey, data, null);
    }

    public static Builder builder(EventType type) {
        return new Builder(type);
    }

    /** The known type of this event, empty for a type this version of the contracts does not know. */
    public Optional<EventType> eventType() {
        return EventType.of(type);
    }

    public String accountId() {
        return string(EventFields.ACCOUNT_ID);
    }

    public String actor() {
        return string(EventFields.ACTOR);
    }

    public Outcome outcome() {
        return Outcome.fromWire(string(EventFields.OUTCOME));
    }

    public String reason() {
        return string(EventFields.REASON);
    }

    public String sourceIp() {
        return string(EventFields.SOURCE_IP);
    }

    public String userAgent() {
        return string(EventFields.USER_AGENT);
    }

    /** A data field as a string, or null when absent. */
    public String string(String field) {
        Object value = data.get(field);
        return value == null ? null : value.toString();
    }

    /** A data field as a long, or null when absent. */
    public Long number(String field) {
        Object value = data.get(field);
        if (value == null) {
            return null;
        }
        return value instanceof Number n ? n.longValue() : Long.parseLong(value.toString());
    }

    /** A data field holding a list of strings, empty when absent. */
    public List<String> strings(String field) {
        Object value = data.get(field);
        if (value instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        return List.of();
    }

    /** Builds events and refuses anything that looks like a secret. */
    public static final class Builder {
        private final EventType type;
        private String id = EventIds.next();
        private String source;
        private Instant time;
        private String subject;
        private String partitionKey;
        private String traceparent;
        private final Map<String, Object> data = new LinkedHashMap<>();

        private Builder(EventType type) {
            this.type = Objects.requireNonNull(type, "type");
            data.put(EventFields.ACCOUNT_ID, null);
            data.put(EventFields.ACTOR, null);
            data.put(EventFields.SUBJECT, null);
            data.put(EventFields.OUTCOME, Outcome.SUCCESS.wire());
        }

        /**
         * The W3C {@code traceparent} of the request that caused the event, so a trace can be followed from
         * the HTTP call into the audit log; ignored unless well-formed.
         */
        public Builder traceparent(String traceparent) {
            this.traceparent = traceparent;
            return this;
        }

        /** Overrides the random id, e.g. to derive it from an outbox row for idempotent relays. */
        public Builder id(String id) {
            this.id = Objects.requireNonNull(id);
            return this;
        }

        /** The producing service as a URI reference, e.g. {@code /pairing-service}. */
        public Builder source(String source) {
            this.source = source;
            return this;
        }

        public Builder time(Instant time) {
            this.time = time;
            return this;
        }

        public Builder accountId(String accountId) {
            data.put(EventFields.ACCOUNT_ID, accountId);
            return this;
        }

        /** Who did it: {@code key_…}, {@code dev_…}, {@code svc:…}, {@code ip:…}, {@code system}. */
        public Builder actor(String actor) {
            data.put(EventFields.ACTOR, actor);
            return this;
        }

        /** What it was done to: an id such as {@code pc_…}, {@code dev_…}, {@code key_…}, a jti. */
        public Builder subject(String subject) {
            this.subject = subject;
            data.put(EventFields.SUBJECT, subject);
            return this;
        }

        public Builder outcome(Outcome outcome) {
            data.put(EventFields.OUTCOME, outcome.wire());
            return this;
        }

        public Builder reason(String reason) {
            return data(EventFields.REASON, reason);
        }

        public Builder sourceIp(String sourceIp) {
            return data(EventFields.SOURCE_IP, sourceIp);
        }

        public Builder userAgent(String userAgent) {
            return data(EventFields.USER_AGENT, userAgent);
        }

        /** Kafka partition key; defaults to the account id (or {@link #NO_ACCOUNT}). */
        public Builder partitionKey(String partitionKey) {
            this.partitionKey = partitionKey;
            return this;
        }

        /** A type-specific data field. Values are strings, numbers, booleans, lists or maps of those. */
        public Builder data(String field, Object value) {
            SecretGuard.checkField(field, value);
            if (value != null) {
                data.put(field, value);
            }
            return this;
        }

        public Builder data(Map<String, ?> fields) {
            fields.forEach(this::data);
            return this;
        }

        public CloudEvent build() {
            if (source == null || source.isBlank()) {
                throw new IllegalStateException("an event needs a source");
            }
            if (data.get(EventFields.ACTOR) == null) {
                throw new IllegalStateException("an event needs an actor");
            }
            if (data.get(EventFields.SUBJECT) == null) {
                throw new IllegalStateException("an event needs a subject");
            }
            SecretGuard.checkData(data);
            Object account = data.get(EventFields.ACCOUNT_ID);
            String key = partitionKey != null ? partitionKey : account != null ? account.toString() : NO_ACCOUNT;
            Instant at = time != null ? time : Instant.now();
            return new CloudEvent(
                    id, source, type.type(), at.truncatedTo(ChronoUnit.MICROS), subject, key, data, traceparent);
        }
    }
}
