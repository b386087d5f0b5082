package io.openclaw.pairing.code;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.openclaw.events.DisplayText;
import io.openclaw.events.EventIds;
import io.openclaw.events.MetricNames;
import io.openclaw.events.SecretGuard;
import io.openclaw.events.delivery.DeliveryTracker;
import io.openclaw.pairing.account.DeviceScopeCatalog;
import io.openclaw.pairing.config.PairingConfig;
import io.openclaw.pairing.events.FailClosedAudit;
import io.openclaw.pairing.secret.CodeAlphabet;
import io.openclaw.pairing.secret.CodeDigest;
import io.openclaw.pairing.secret.SecureIds;
import io.openclaw.pairing.store.PairingStore;
import io.openclaw.pairing.store.Script;
import io.openclaw.pairing.web.Caller;
import io.openclaw.pairing.web.ProblemException;
import io.openclaw.pairing.web.RequestOrigin;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** Issues, lists and revokes pairing codes; each change and its event is one Lua script. */
@ApplicationScoped
public class PairingCodes {

    private static final int MAX_LABEL = 64;
    private static final int ISSUE_ATTEMPTS = 3;

    private final PairingStore store;
    private final CodeDigest digest;
    private final DeviceScopeCatalog catalog;
    private final PairingConfig config;
    private final Clock clock;
    private final FailClosedAudit audit;
    private final Counter issued;
    private final Counter revoked;
    private final Counter supersededCodes;

    public PairingCodes(
            PairingStore store,
            CodeDigest digest,
            DeviceScopeCatalog catalog,
            PairingConfig config,
            Clock clock,
            FailClosedAudit audit,
            MeterRegistry meters) {
        this.store = store;
        this.digest = digest;
        this.catalog = catalog;
        this.config = config;
        this.clock = clock;
        this.audit = audit;
        this.issued = codes(meters, "issued");
        this.revoked = codes(meters, "revoked");
        this.supersededCodes = codes(meters, "superseded");
    }

    private static Counter codes(MeterRegistry meters, String outcome) {
        return Counter.builder(MetricNames.PAIRING_CODES)
                .description("pairing codes issued, revoked by their owner, superseded by a newer code")
                .tag("outcome", outcome)
                .register(meters);
    }

    /**
     * Issues a code. Runs on the calling event loop (the account's catalog is usually in memory and the one
     * Redis script answers there); only the fail-closed wait for the broker's acknowledgement moves to a
     * worker thread.
     */
    public Uni<IssuedCode> issue(Caller caller, IssueCodeRequest request, RequestOrigin origin) {
        String account = caller.requireAccount();
        if (request == null) {
            throw ProblemException.badRequest("invalid_request", "a JSON body is required");
        }
        int ttl = ttlSeconds(request.ttlSeconds());
        String label = label(request.label());
        return catalog.forAccountAsync(account).chain(catalogScopes -> {
            List<String> scopes = ScopeRequest.grantable(request.scopes(), catalogScopes, caller.scopes());
            return attempt(1, new Issue(caller, account, scopes, ttl, label, origin));
        });
    }

    /** What every attempt of one issuance shares. */
    private record Issue(
            Caller caller, String account, List<String> scopes, int ttl, String label, RequestOrigin origin) {}

    /** One drawn code and the event it will be announced by. */
    private record Draw(
            String code, String id, Instant expiresAt, DeliveryTracker.Expected expected, List<String> args) {}

    private Uni<IssuedCode> attempt(int attempt, Issue issue) {
        Draw draw = draw(issue);
        return store.runAsync(Script.ISSUE_CODE, draw.args())
                .onFailure()
                .invoke(() -> audit.abandon(draw.expected()))
                .chain(reply -> {
                    if ("ok".equals(reply.get(0))) {
                        String superseded = reply.get(1).isEmpty() ? null : reply.get(1);
                        return confirmed(issue, draw, superseded);
                    }
                    audit.abandon(draw.expected());
                    Log.warnf("pairing code collision on attempt %d; drawing another", attempt);
                    if (attempt == ISSUE_ATTEMPTS) {
                        return Uni.createFrom()
                                .failure(new IllegalStateException("could not draw an unused pairing code"));
                    }
                    return attempt(attempt + 1, issue);
                });
    }

    private Draw draw(Issue issue) {
        String code = CodeAlphabet.PAIRING.generate();
        String id = SecureIds.id("pc");
        Instant now = clock.instant();
        Instant expiresAt = now.plusSeconds(issue.ttl());
        String issuedEvent = EventIds.next();
        DeliveryTracker.Expected expected = audit.expect(issuedEvent);
        List<String> args = List.of(
                digest.pairingCode(CodeAlphabet.PAIRING.normalize(code).orElseThrow()),
                id,
                issue.account(),
                String.join(" ", issue.scopes()),
                issue.label() == null ? "" : issue.label(),
                String.valueOf(expiresAt.toEpochMilli()),
                String.valueOf(issue.ttl() * 1000L),
                String.valueOf(config.codes().tombstone().toMillis()),
                String.valueOf(now.toEpochMilli()),
                now.toString(),
                expiresAt.toString(),
                issue.caller().subject(),
                issuedEvent,
                EventIds.next(),
                String.valueOf(issue.ttl()),
                Objects.toString(issue.origin().ip(), ""),
                Objects.toString(issue.origin().userAgent(), ""));
        return new Draw(code, id, expiresAt, expected, args);
    }

    /** Hands the code out; with the fail-closed switch on, only once its event is on Kafka, else withdrawn. */
    private Uni<IssuedCode> confirmed(Issue issue, Draw draw, String superseded) {
        if (draw.expected() == null) {
            return Uni.createFrom().item(() -> issued(issue, draw, superseded));
        }
        return Uni.createFrom()
                .item(() -> {
                    audit.confirm(draw.expected(), () -> withdraw(draw.id(), issue.account(), issue.origin()));
                    return issued(issue, draw, superseded);
                })
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private IssuedCode issued(Issue issue, Draw draw, String superseded) {
        issued.increment();
        if (superseded != null) {
            supersededCodes.increment();
        }
        Log.debugf(
                "issued %s for %s by %s (ttl %d s%s)",
                draw.id(),
                issue.account(),
                issue.caller().subject(),
                issue.ttl(),
                superseded == null ? "" : ", supersedes " + superseded);
        return new IssuedCode(
                draw.id(), draw.code(), draw.expiresAt(), issue.ttl(), issue.scopes(), issue.label(), superseded, null);
    }

    public ActiveCodes list(Caller caller) {
        return new ActiveCodes(read(caller.requireAccount(), ""));
    }

    public ActiveCode get(Caller caller, String id) {
        List<ActiveCode> codes = validId(id) ? read(caller.requireAccount(), id) : List.of();
        if (codes.isEmpty()) {
            throw notFound();
        }
        return codes.get(0);
    }

    public void revoke(Caller caller, String id, RequestOrigin origin) {
        String account = caller.requireAccount();
        if (!validId(id)) {
            throw notFound();
        }
        if (!"ok".equals(revokeCode(id, account, caller.subject(), origin, ""))) {
            throw notFound();
        }
        revoked.increment();
        Log.infof("revoked %s of %s by %s", id, account, caller.subject());
    }

    /** A code refused by the fail-closed audit switch never reached its owner: it is revoked at once. */
    private void withdraw(String id, String account, RequestOrigin origin) {
        revokeCode(id, account, "system", origin, "audit_unavailable");
        Log.warnf("withdrew %s of %s: its event did not reach the event stream in time", id, account);
    }

    private String revokeCode(String id, String account, String actor, RequestOrigin origin, String reason) {
        Instant now = clock.instant();
        List<String> reply = store.run(
                Script.REVOKE_CODE,
                List.of(
                        id,
                        account,
                        String.valueOf(now.toEpochMilli()),
                        now.toString(),
                        EventIds.next(),
                        actor,
                        String.valueOf(config.codes().tombstone().toMillis()),
                        Objects.toString(origin.ip(), ""),
                        Objects.toString(origin.userAgent(), ""),
                        reason));
        return reply.get(0);
    }

    private List<ActiveCode> read(String account, String id) {
        Instant now = clock.instant();
        List<String> flat = store.run(Script.LIST_CODES, List.of(account, String.valueOf(now.toEpochMilli()), id));
        List<ActiveCode> codes = new ArrayList<>(flat.size() / 5);
        for (int i = 0; i + 4 < flat.size(); i += 5) {
            Instant expiresAt = Instant.ofEpochMilli(Long.parseLong(flat.get(i + 3)));
            codes.add(new ActiveCode(
                    flat.get(i),
                    Arrays.asList(flat.get(i + 1).split(" ")),
                    flat.get(i + 2).isEmpty() ? null : flat.get(i + 2),
                    Instant.ofEpochMilli(Long.parseLong(flat.get(i + 4))),
                    expiresAt,
                    Math.max(0, Duration.between(now, expiresAt).toSeconds())));
        }
        return codes;
    }

    private int ttlSeconds(Integer requested) {
        if (requested == null) {
            return config.codes().defaultTtlSeconds();
        }
        int min = config.codes().minTtlSeconds();
        int max = config.codes().maxTtlSeconds();
        if (requested < min || requested > max) {
            throw ProblemException.badRequest("invalid_ttl", "ttl_seconds must be between " + min + " and " + max);
        }
        return requested;
    }

    /** A label is 1–64 printable characters: no control, line-separator or bidi-override characters. */
    static String label(String label) {
        if (label == null) {
            return null;
        }
        int length = label.codePointCount(0, label.length());
        if (label.isBlank() || length > MAX_LABEL) {
            throw ProblemException.badRequest("invalid_label", "label must be 1 to " + MAX_LABEL + " characters");
        }
        if (SecretGuard.looksLikeCredential(label)) {
            // the label goes into events, which never carry anything shaped like a credential
            throw ProblemException.badRequest("invalid_label", "label must not look like a credential");
        }
        if (!DisplayText.isPrintable(label)) {
            throw ProblemException.badRequest("invalid_label", "label must contain printable characters only");
        }
        return label;
    }

    private static boolean validId(String id) {
        return id != null && id.matches("pc_[0-9a-z]{20}");
    }

    private static ProblemException notFound() {
        return new ProblemException(404, "not_found", "no such active pairing code");
    }
}
