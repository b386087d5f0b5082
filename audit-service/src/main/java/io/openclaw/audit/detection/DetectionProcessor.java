package io.openclaw.audit.detection;

import io.openclaw.audit.config.AuditConfig;
import io.openclaw.events.CloudEvent;
import io.openclaw.events.CloudEventJson;
import io.openclaw.events.EventFields;
import io.openclaw.events.EventType;
import io.openclaw.events.KafkaCloudEvents;
import io.quarkus.logging.Log;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Applies the rules to observations that arrive co-partitioned by what they count per, keeping windows,
 * baselines and known networks in the {@value #STATE} store and the last alert per rule and subject in
 * {@value #DEDUP}. Emits {@code io.openclaw.alert.raised} and commands as binary-mode CloudEvents.
 */
final class DetectionProcessor implements Processor<String, Observation, String, byte[]> {

    static final String STATE = "detection-state";
    static final String DEDUP = "alert-dedup";
    static final String ACTOR = "svc:audit-service";
    static final String SOURCE = "/audit-service";
    private static final int MAX_EVIDENCE = 20;

    private final AuditConfig.Rules rules;
    private final Clock clock;
    private final DetectionTopology.AlertRaised raised;
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, RuleState> state;
    private KeyValueStore<String, Long> dedup;

    DetectionProcessor(AuditConfig.Rules rules, Clock clock, DetectionTopology.AlertRaised raised) {
        this.rules = rules;
        this.clock = clock;
        this.raised = raised;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.state = context.getStateStore(STATE);
        this.dedup = context.getStateStore(DEDUP);
        context.schedule(Duration.ofMinutes(1), PunctuationType.WALL_CLOCK_TIME, now -> expire());
    }

    @Override
    public void process(Record<String, Observation> record) {
        Observation o = record.value();
        if (o == null || record.key() == null) {
            return;
        }
        switch (o.rule()) {
            case Rule.BRUTE_FORCE_IP -> bruteForce(
                    record.key(), o, rules.bruteForce().perIp(), "ip:" + o.subject());
            case Rule.BRUTE_FORCE_NETWORK -> bruteForce(
                    record.key(), o, rules.bruteForce().perNetwork(), o.subject());
            case Rule.BRUTE_FORCE_ACCOUNT -> bruteForce(
                    record.key(), o, rules.bruteForce().perAccount(), o.subject());
            case Rule.REFRESH_REUSE -> raise(
                    o,
                    "critical",
                    o.subject(),
                    "refresh token reuse detected for family " + o.subject() + "; the family is revoked",
                    List.of(o.eventId()),
                    "",
                    null);
            case Rule.REVOKED_CREDENTIAL -> revokedCredential(record.key(), o);
            case Rule.ALLOWLIST -> raise(
                    o,
                    "medium",
                    o.subject(),
                    "key " + o.subject() + " presented from an address outside its allowlist",
                    List.of(o.eventId()),
                    "",
                    null);
            case Rule.USAGE_SPIKE -> usageSpike(record.key(), o);
            case Rule.NEW_NETWORK -> newNetwork(record.key(), o);
            case Rule.MASS_ISSUANCE -> massChange(
                    record.key(), o, rules.massChange().issuance(), "issued");
            case Rule.MASS_REVOCATION -> massChange(
                    record.key(), o, rules.massChange().revocation(), "revoked");
            default -> Log.debugf("no rule named %s", o.rule());
        }
    }

    private void bruteForce(String key, Observation o, int threshold, String subject) {
        Duration window = rules.bruteForce().window();
        windowed(key, o, window, threshold).ifPresent(s -> {
            boolean block = !Rule.BRUTE_FORCE_ACCOUNT.equals(o.rule());
            raise(
                    o,
                    "high",
                    subject,
                    s.times.size() + " failed pairing redemptions for " + o.subject() + " within " + window,
                    s.ids,
                    "",
                    block ? alertId -> blockIp(o, alertId) : null);
        });
    }

    private void revokedCredential(String key, Observation o) {
        var config = rules.revokedCredential();
        RuleState s = slide(key, o, config.window());
        String what = o.keyId() != null ? "key " : "token ";
        if (s.times.size() >= config.repeated()) {
            raise(
                    o,
                    "high",
                    o.subject(),
                    s.times.size() + " uses of revoked or expired " + what + o.subject() + " within " + config.window(),
                    s.ids,
                    "|high",
                    null);
        } else {
            raise(
                    o,
                    "medium",
                    o.subject(),
                    "use of " + (o.detail() == null ? "revoked or expired" : o.detail()) + " " + what + o.subject(),
                    List.of(o.eventId()),
                    "|medium",
                    null);
        }
    }

    private void usageSpike(String key, Observation o) {
        var config = rules.usageSpike();
        RuleState s = Optional.ofNullable(state.get(key)).orElseGet(RuleState::new);
        long minute = o.time() / 60_000;
        if (s.lastSeen == 0) {
            s.minute = minute;
        }
        if (minute > s.minute) {
            long gap = Math.min(minute - s.minute, 120);
            s.ewma = s.minutes == 0 ? s.count : config.alpha() * s.count + (1 - config.alpha()) * s.ewma;
            s.minutes++;
            for (long i = 1; i < gap; i++) {
                s.ewma = (1 - config.alpha()) * s.ewma;
                s.minutes++;
            }
            s.minute = minute;
            s.count = 0;
            s.ids.clear();
        }
        if (minute == s.minute) {
            s.count++;
            remember(s, o);
        }
        s.lastSeen = Math.max(s.lastSeen, o.time());
        state.put(key, s);
        if (s.minutes >= config.warmupMinutes()
                && s.count >= config.minVolume()
                && s.count > config.factor() * Math.max(s.ewma, 1.0)) {
            boolean suspend = o.accountId() != null
                    && config.suspendAccounts()
                            .map(l -> l.contains(o.accountId()))
                            .orElse(false);
            raise(
                    o,
                    "high",
                    o.subject(),
                    String.format(
                            java.util.Locale.ROOT,
                            "key %s used %d times in a minute against a baseline of %.1f per minute",
                            o.subject(),
                            s.count,
                            s.ewma),
                    s.ids,
                    "",
                    suspend ? alertId -> suspendKey(o, alertId) : null);
        }
    }

    private void newNetwork(String key, Observation o) {
        RuleState s = Optional.ofNullable(state.get(key)).orElseGet(RuleState::new);
        long memory = rules.newNetwork().memory().toMillis();
        s.networks.values().removeIf(seen -> o.time() - seen > memory);
        Long seen = s.networks.get(o.network());
        boolean known = !s.networks.isEmpty();
        s.networks.put(o.network(), Math.max(seen == null ? 0 : seen, o.time()));
        if (s.networks.size() > 200) {
            s.networks.entrySet().stream()
                    .min(java.util.Map.Entry.comparingByValue())
                    .map(java.util.Map.Entry::getKey)
                    .ifPresent(s.networks::remove);
        }
        s.lastSeen = Math.max(s.lastSeen, o.time());
        state.put(key, s);
        if (known && seen == null) {
            raise(
                    o,
                    "low",
                    o.subject(),
                    "key " + o.subject() + " used from network " + o.network() + " for the first time in "
                            + rules.newNetwork().memory().toDays() + " days",
                    List.of(o.eventId()),
                    "|" + o.network(),
                    null);
        }
    }

    private void massChange(String key, Observation o, int threshold, String verb) {
        Duration window = rules.massChange().window();
        windowed(key, o, window, threshold)
                .ifPresent(s -> raise(
                        o,
                        "high",
                        o.subject(),
                        o.subject() + " " + verb + " " + s.times.size() + " credentials within " + window,
                        s.ids,
                        "",
                        null));
    }

    /** Adds the observation to its sliding window; present when the count reached the threshold. */
    private Optional<RuleState> windowed(String key, Observation o, Duration window, int threshold) {
        RuleState s = slide(key, o, window);
        return s.times.size() >= threshold ? Optional.of(s) : Optional.empty();
    }

    private RuleState slide(String key, Observation o, Duration window) {
        RuleState s = Optional.ofNullable(state.get(key)).orElseGet(RuleState::new);
        s.lastSeen = Math.max(s.lastSeen, o.time());
        long from = s.lastSeen - window.toMillis();
        int insertAt = s.times.size();
        while (insertAt > 0 && s.times.get(insertAt - 1) > o.time()) {
            insertAt--;
        }
        s.times.add(insertAt, o.time());
        s.ids.add(insertAt, o.eventId());
        while (!s.times.isEmpty() && s.times.get(0) <= from) {
            s.times.remove(0);
            s.ids.remove(0);
        }
        state.put(key, s);
        return s;
    }

    private static void remember(RuleState s, Observation o) {
        if (s.ids.size() < MAX_EVIDENCE) {
            s.ids.add(o.eventId());
        }
    }

    private void raise(
            Observation o,
            String severity,
            String subject,
            String summary,
            List<String> evidence,
            String dedupSuffix,
            Function<String, CloudEvent> command) {
        String dedupKey = o.rule() + "|" + subject + dedupSuffix;
        Long last = dedup.get(dedupKey);
        if (last != null && o.time() - last < rules.dedupWindow().toMillis() && o.time() >= last) {
            return;
        }
        dedup.put(dedupKey, o.time());
        String alertId = "alr_" + UUID.randomUUID().toString().replace("-", "");
        List<String> ids = evidence.size() > MAX_EVIDENCE
                ? new ArrayList<>(evidence.subList(evidence.size() - MAX_EVIDENCE, evidence.size()))
                : new ArrayList<>(evidence);
        CloudEvent alert = CloudEvent.builder(EventType.ALERT_RAISED)
                .source(SOURCE)
                .time(clock.instant())
                .accountId(o.accountId())
                .actor(ACTOR)
                .subject(subject)
                .data(EventFields.ALERT_ID, alertId)
                .data(EventFields.RULE, o.rule())
                .data(EventFields.SEVERITY, severity)
                .data(EventFields.EVIDENCE, ids)
                .data("summary", summary)
                .data("triggered_by", o.eventId())
                .data("observed_at", Instant.ofEpochMilli(o.time()).toString())
                .build();
        raised.raised(o.rule(), severity);
        forward(alert);
        if (command != null) {
            forward(command.apply(alertId));
        }
    }

    private CloudEvent blockIp(Observation o, String alertId) {
        CloudEvent.Builder b = CloudEvent.builder(EventType.COMMAND_BLOCK_IP)
                .source(SOURCE)
                .time(clock.instant())
                .actor(ACTOR)
                .subject(o.subject())
                .reason(o.rule())
                .data(EventFields.ALERT_ID, alertId)
                .data(
                        EventFields.UNTIL,
                        clock.instant().plus(rules.bruteForce().blockFor()).toString());
        if (Rule.BRUTE_FORCE_NETWORK.equals(o.rule())) {
            b.data(EventFields.NETWORK, o.subject());
        } else {
            b.data(EventFields.IP, o.subject());
        }
        return b.build();
    }

    private CloudEvent suspendKey(Observation o, String alertId) {
        return CloudEvent.builder(EventType.COMMAND_SUSPEND_KEY)
                .source(SOURCE)
                .time(clock.instant())
                .accountId(o.accountId())
                .actor(ACTOR)
                .subject(o.subject())
                .reason("usage_spike")
                .data(EventFields.KEY_ID, o.subject())
                .data(EventFields.ALERT_ID, alertId)
                .build();
    }

    private void forward(CloudEvent event) {
        context.forward(new Record<>(
                event.partitionKey(),
                CloudEventJson.dataBytes(event),
                event.time().toEpochMilli(),
                KafkaCloudEvents.headers(event)));
        Log.infof("%s %s for %s", event.type(), event.string(EventFields.RULE), event.subject());
    }

    private void expire() {
        long now = context.currentStreamTimeMs();
        if (now <= 0) {
            return;
        }
        long memory = rules.newNetwork().memory().toMillis();
        long day = Duration.ofDays(1).toMillis();
        List<String> stale = new ArrayList<>();
        try (KeyValueIterator<String, RuleState> it = state.all()) {
            while (it.hasNext()) {
                KeyValue<String, RuleState> kv = it.next();
                long keep = kv.key.startsWith("net|") ? memory : day;
                if (kv.value == null || now - kv.value.lastSeen > keep) {
                    stale.add(kv.key);
                }
            }
        }
        stale.forEach(state::delete);
        List<String> old = new ArrayList<>();
        try (KeyValueIterator<String, Long> it = dedup.all()) {
            while (it.hasNext()) {
                KeyValue<String, Long> kv = it.next();
                if (kv.value == null || now - kv.value > rules.dedupWindow().toMillis()) {
                    old.add(kv.key);
                }
            }
        }
        old.forEach(dedup::delete);
    }
}
