package io.openclaw.pairing.bruteforce;

import io.openclaw.events.CloudEvent;
import io.openclaw.events.EventFields;
import io.openclaw.events.EventIds;
import io.openclaw.events.SecretGuard;
import io.openclaw.pairing.config.PairingConfig;
import io.openclaw.pairing.store.PairingStore;
import io.openclaw.pairing.store.Script;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Honours {@code io.openclaw.command.block_ip} commands until they expire (once per command id). */
@ApplicationScoped
public class IpBlocks {

    private final PairingStore store;
    private final PairingConfig config;
    private final Clock clock;

    public IpBlocks(PairingStore store, PairingConfig config, Clock clock) {
        this.store = store;
        this.config = config;
        this.clock = clock;
    }

    /** Applies the command; false when it was a redelivery, expired or unusable. */
    public boolean apply(CloudEvent command) {
        String target = command.string(EventFields.NETWORK) != null
                ? command.string(EventFields.NETWORK)
                : command.string(EventFields.IP) != null ? command.string(EventFields.IP) : command.subject();
        Optional<String> key = SourceAddress.blockKey(target);
        if (key.isEmpty()) {
            Log.warnf("block_ip %s names no usable IP or network; ignored", command.id());
            return false;
        }
        // the command's own values go into our event: none may look like a credential (the secret guard)
        if (SecretGuard.looksLikeCredential(command.id())
                || SecretGuard.looksLikeCredential(command.actor())
                || SecretGuard.looksLikeCredential(command.string(EventFields.ALERT_ID))) {
            Log.warnf("block_ip command carries a credential-shaped value; ignored");
            return false;
        }
        Optional<Instant> until = until(command);
        Instant now = clock.instant();
        if (until.isEmpty() || !until.get().isAfter(now)) {
            Log.infof("block_ip %s has no future expiry; ignored", command.id());
            return false;
        }
        List<String> reply = store.run(
                Script.APPLY_BLOCK,
                List.of(
                        command.id(),
                        key.get(),
                        String.valueOf(until.get().toEpochMilli()),
                        String.valueOf(until.get().toEpochMilli() - now.toEpochMilli()),
                        now.toString(),
                        EventIds.next(),
                        until.get().toString(),
                        Objects.toString(command.actor(), "system"),
                        String.valueOf(config.inbound().dedupe().toMillis()),
                        Objects.toString(command.string(EventFields.ALERT_ID), "")));
        boolean applied = "applied".equals(reply.get(0));
        if (applied) {
            Log.infof("blocked %s until %s (command %s)", key.get(), until.get(), command.id());
        }
        return applied;
    }

    private static Optional<Instant> until(CloudEvent command) {
        String value = command.string(EventFields.UNTIL) != null
                ? command.string(EventFields.UNTIL)
                : command.string(EventFields.EXPIRES_AT);
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(value));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
