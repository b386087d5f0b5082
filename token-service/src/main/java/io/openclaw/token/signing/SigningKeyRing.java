package io.openclaw.token.signing;

import io.openclaw.events.CloudEvent;
import io.openclaw.events.EventFields;
import io.openclaw.events.EventType;
import io.openclaw.token.config.TokenConfig;
import io.openclaw.token.events.TokenEvents;
import io.openclaw.token.outbox.Outbox;
import io.openclaw.token.store.Database;
import io.openclaw.token.store.Sql;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The signing key ring in PostgreSQL. Keys move {@code next → active → retiring → retired}: a new key is
 * published first, signs only after the propagation delay (longer than verifiers' JWKS cache), and the
 * previous key stays published until every token it signed has expired. State changes run under a
 * PostgreSQL advisory lock, so several replicas advance the ring exactly once.
 */
@ApplicationScoped
public class SigningKeyRing {

    private static final long RING_LOCK = 0x6f63_6b72_696e_6701L;
    private static final DateTimeFormatter KID_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

    private final Database database;
    private final KeyEncryption encryption;
    private final Outbox outbox;
    private final TokenConfig config;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private volatile Snapshot snapshot = new Snapshot(null, Map.of());

    /** The keys a replica currently knows. */
    record Snapshot(SigningKey active, Map<String, SigningKey> published) {}

    /** The answer to a rotation request. */
    public record Rotation(String requestId, String kid, String alg, Instant activateAfter, boolean applied) {}

    public SigningKeyRing(Database database, KeyEncryption encryption, Outbox outbox, TokenConfig config, Clock clock) {
        this.database = database;
        this.encryption = encryption;
        this.outbox = outbox;
        this.config = config;
        this.clock = clock;
        if (config.keyPropagationDelay().compareTo(config.jwksMaxAge()) <= 0) {
            throw new IllegalStateException("openclaw.token.key-propagation-delay (" + config.keyPropagationDelay()
                    + ") must exceed openclaw.token.jwks-max-age (" + config.jwksMaxAge() + ")");
        }
        algorithm(config.signingAlgorithm());
    }

    void onStart(@Observes @Priority(10) StartupEvent startup) {
        ensureActiveKey();
        reload();
        Log.infof(
                "signing key ring ready: active kid %s, %d published",
                active().kid(), published().size());
    }

    /** The key that signs now. */
    public SigningKey active() {
        SigningKey active = snapshot.active();
        if (active == null) {
            throw new IllegalStateException("no active signing key");
        }
        return active;
    }

    /** A published key (next, active or retiring) by kid. */
    public Optional<SigningKey> published(String kid) {
        return kid == null
                ? Optional.empty()
                : Optional.ofNullable(snapshot.published().get(kid));
    }

    public List<SigningKey> published() {
        return List.copyOf(snapshot.published().values());
    }

    /** The longest a token signed by a key can live after the key stops signing. */
    Duration retirementDelay() {
        Duration longest = config.accessTokenLifetime().compareTo(config.serviceTokenLifetime()) >= 0
                ? config.accessTokenLifetime()
                : config.serviceTokenLifetime();
        return longest.plus(config.clockSkew()).plus(config.keyRingRefresh());
    }

    @Scheduled(
            every = "${openclaw.token.key-ring-refresh:5s}",
            delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        try {
            advance();
            reload();
        } catch (RuntimeException e) {
            Log.warnf("signing key ring refresh failed, keeping the keys in memory: %s", e.getMessage());
        }
    }

    /** Creates the first key when the ring has no active key (first start of the platform). */
    void ensureActiveKey() {
        database.inTransaction(connection -> {
            lock(connection);
            try (PreparedStatement select =
                    connection.prepareStatement("SELECT 1 FROM signing_key WHERE state = 'active'")) {
                if (select.executeQuery().next()) {
                    return null;
                }
            }
            Instant now = clock.instant();
            String alg = algorithm(config.signingAlgorithm());
            String kid = insertKey(connection, alg, SigningKey.ACTIVE, now, now);
            try (PreparedStatement update =
                    connection.prepareStatement("UPDATE signing_key SET activated_at = ? WHERE kid = ?")) {
                update.setTimestamp(1, Sql.ts(now));
                update.setString(2, kid);
                update.executeUpdate();
            }
            outbox.add(connection, keyEvent(EventType.TOKEN_SIGNING_KEY_PUBLISHED, kid, alg, now, "initial_key"));
            outbox.add(connection, keyEvent(EventType.TOKEN_SIGNING_KEY_ACTIVATED, kid, alg, now, "initial_key"));
            Log.infof("created the first signing key %s (%s)", kid, alg);
            return null;
        });
        outbox.wake();
    }

    /**
     * Starts a rotation for a request (a command event id or an admin request id). Each request rotates at
     * most once, whichever replica sees it and however often; while a key is already waiting in state
     * {@code next}, a new request is recorded but makes no second key.
     */
    public Rotation rotate(String requestId, String actor, String requestedAlg) {
        return rotate(requestId, actor, requestedAlg, null);
    }

    /**
     * A rotation whose {@code io.openclaw.token.signing_key.published} event gets the given id (when not null),
     * so a caller can wait for that event to reach Kafka.
     */
    public Rotation rotate(String requestId, String actor, String requestedAlg, String publishedEventId) {
        String alg = algorithm(requestedAlg == null ? config.signingAlgorithm() : requestedAlg);
        Rotation rotation = database.inTransaction(connection -> {
            lock(connection);
            Instant now = clock.instant();
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO signing_key_rotation (request_id, actor, requested_at, outcome)"
                            + " VALUES (?, ?, ?, 'pending') ON CONFLICT (request_id) DO NOTHING")) {
                insert.setString(1, requestId);
                insert.setString(2, actor);
                insert.setTimestamp(3, Sql.ts(now));
                if (insert.executeUpdate() == 0) {
                    return previousRotation(connection, requestId);
                }
            }
            try (PreparedStatement next = connection.prepareStatement(
                    "SELECT kid, alg, activate_after FROM signing_key WHERE state = 'next'")) {
                ResultSet row = next.executeQuery();
                if (row.next()) {
                    setOutcome(connection, requestId, row.getString(1), "already_pending");
                    return new Rotation(
                            requestId, row.getString(1), row.getString(2), Sql.instant(row.getTimestamp(3)), false);
                }
            }
            Instant activateAfter = now.plus(config.keyPropagationDelay());
            String kid = insertKey(connection, alg, SigningKey.NEXT, now, activateAfter);
            setOutcome(connection, requestId, kid, "rotated");
            CloudEvent.Builder published = keyEventBuilder(EventType.TOKEN_SIGNING_KEY_PUBLISHED, kid, alg, now, null);
            if (publishedEventId != null) {
                published.id(publishedEventId);
            }
            outbox.add(connection, published.build());
            return new Rotation(requestId, kid, alg, activateAfter, true);
        });
        outbox.wake();
        reload();
        if (rotation.applied()) {
            Log.infof(
                    "signing key %s published by %s (request %s); signs from %s",
                    rotation.kid(), actor, requestId, rotation.activateAfter());
        }
        return rotation;
    }

    /** Activates a due {@code next} key and retires keys whose tokens have all expired. */
    public void advance() {
        boolean changed = database.inTransaction(connection -> {
            // replicas queue here: whoever comes second sees the first one's committed changes
            lock(connection);
            Instant now = clock.instant();
            boolean any = false;
            try (PreparedStatement retire =
                    connection.prepareStatement("UPDATE signing_key SET state = 'retired', retired_at = ?"
                            + " WHERE state = 'retiring' AND retire_after <= ? RETURNING kid, alg")) {
                retire.setTimestamp(1, Sql.ts(now));
                retire.setTimestamp(2, Sql.ts(now));
                ResultSet rows = retire.executeQuery();
                while (rows.next()) {
                    any = true;
                    outbox.add(
                            connection,
                            keyEvent(
                                    EventType.TOKEN_SIGNING_KEY_RETIRED,
                                    rows.getString(1),
                                    rows.getString(2),
                                    now,
                                    null));
                }
            }
            String due = null;
            try (PreparedStatement next = connection.prepareStatement(
                    "SELECT kid FROM signing_key WHERE state = 'next' AND activate_after <= ?")) {
                next.setTimestamp(1, Sql.ts(now));
                ResultSet row = next.executeQuery();
                if (row.next()) {
                    due = row.getString(1);
                }
            }
            if (due != null) {
                try (PreparedStatement demote = connection.prepareStatement(
                        "UPDATE signing_key SET state = 'retiring', retire_after = ? WHERE state = 'active'")) {
                    demote.setTimestamp(1, Sql.ts(now.plus(retirementDelay())));
                    demote.executeUpdate();
                }
                try (PreparedStatement promote = connection.prepareStatement(
                        "UPDATE signing_key SET state = 'active', activated_at = ? WHERE kid = ? AND state = 'next'"
                                + " RETURNING alg")) {
                    promote.setTimestamp(1, Sql.ts(now));
                    promote.setString(2, due);
                    ResultSet row = promote.executeQuery();
                    if (row.next()) {
                        any = true;
                        outbox.add(
                                connection,
                                keyEvent(EventType.TOKEN_SIGNING_KEY_ACTIVATED, due, row.getString(1), now, null));
                        Log.infof("signing key %s is now active", due);
                    }
                }
            }
            return any;
        });
        if (changed) {
            outbox.wake();
        }
    }

    /**
     * Reloads the published keys from PostgreSQL, decrypting private keys it has not seen yet. Synchronized,
     * so a reload that read older rows never overwrites one that read newer rows.
     */
    public synchronized void reload() {
        Map<String, SigningKey> known = snapshot.published();
        Snapshot loaded = database.inTransaction(connection -> {
            Map<String, SigningKey> published = new HashMap<>();
            SigningKey active = null;
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT kid, alg, state, public_key, private_key_enc, created_at, activate_after, retire_after"
                            + " FROM signing_key WHERE state <> 'retired'")) {
                ResultSet rows = select.executeQuery();
                while (rows.next()) {
                    String kid = rows.getString(1);
                    String alg = rows.getString(2);
                    SigningKey previous = known.get(kid);
                    PublicKey publicKey = previous != null ? previous.publicKey() : publicKey(alg, rows.getBytes(4));
                    PrivateKey privateKey = previous != null
                            ? previous.privateKey()
                            : privateKey(alg, encryption.decrypt(rows.getBytes(5), kid));
                    SigningKey key = new SigningKey(
                            kid,
                            alg,
                            rows.getString(3),
                            publicKey,
                            privateKey,
                            Sql.instant(rows.getTimestamp(6)),
                            Sql.instant(rows.getTimestamp(7)),
                            Sql.instant(rows.getTimestamp(8)));
                    published.put(kid, key);
                    if (SigningKey.ACTIVE.equals(key.state())) {
                        active = key;
                    }
                }
            }
            return new Snapshot(active, Map.copyOf(published));
        });
        if (loaded.active() != null) {
            snapshot = loaded;
        }
    }

    private String insertKey(Connection connection, String alg, String state, Instant now, Instant activateAfter)
            throws SQLException {
        KeyPair pair = generate(alg);
        byte[] suffix = new byte[4];
        random.nextBytes(suffix);
        String kid = "kid-" + KID_DATE.format(now) + "-" + HexFormat.of().formatHex(suffix);
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO signing_key (kid, alg, state, public_key, private_key_enc, created_at, activate_after)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, kid);
            insert.setString(2, alg);
            insert.setString(3, state);
            insert.setBytes(4, pair.getPublic().getEncoded());
            insert.setBytes(5, encryption.encrypt(pair.getPrivate().getEncoded(), kid));
            insert.setTimestamp(6, Sql.ts(now));
            insert.setTimestamp(7, Sql.ts(activateAfter));
            insert.executeUpdate();
        }
        return kid;
    }

    private static Rotation previousRotation(Connection connection, String requestId) throws SQLException {
        try (PreparedStatement select =
                connection.prepareStatement("SELECT r.kid, k.alg, k.activate_after FROM signing_key_rotation r"
                        + " LEFT JOIN signing_key k ON k.kid = r.kid WHERE r.request_id = ?")) {
            select.setString(1, requestId);
            ResultSet row = select.executeQuery();
            row.next();
            return new Rotation(requestId, row.getString(1), row.getString(2), Sql.instant(row.getTimestamp(3)), false);
        }
    }

    private static void setOutcome(Connection connection, String requestId, String kid, String outcome)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE signing_key_rotation SET kid = ?, outcome = ? WHERE request_id = ?")) {
            update.setString(1, kid);
            update.setString(2, outcome);
            update.setString(3, requestId);
            update.executeUpdate();
        }
    }

    private static void lock(Connection connection) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            lock.setLong(1, RING_LOCK);
            lock.executeQuery();
        }
    }

    private static CloudEvent keyEvent(EventType type, String kid, String alg, Instant now, String reason) {
        return keyEventBuilder(type, kid, alg, now, reason).build();
    }

    private static CloudEvent.Builder keyEventBuilder(
            EventType type, String kid, String alg, Instant now, String reason) {
        return TokenEvents.event(type, now)
                .actor(TokenEvents.SERVICE_ACTOR)
                .subject(kid)
                .reason(reason)
                .data(EventFields.KID, kid)
                .data("alg", alg);
    }

    /** Normalizes and checks a signing algorithm name. */
    public static String algorithm(String name) {
        String alg = name == null ? "" : name.trim().toUpperCase(Locale.ROOT);
        if (!alg.equals("RS256") && !alg.equals("ES256")) {
            throw new IllegalArgumentException("signing algorithm must be RS256 or ES256");
        }
        return alg;
    }

    private static KeyPair generate(String alg) {
        try {
            if (alg.equals("ES256")) {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec("secp256r1"));
                return generator.generateKeyPair();
            }
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a " + alg + " key", e);
        }
    }

    private static PublicKey publicKey(String alg, byte[] der) {
        try {
            return KeyFactory.getInstance(family(alg)).generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("unreadable public key in the key ring", e);
        }
    }

    private static PrivateKey privateKey(String alg, byte[] der) {
        try {
            return KeyFactory.getInstance(family(alg)).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("unreadable private key in the key ring", e);
        }
    }

    private static String family(String alg) {
        return alg.equals("ES256") ? "EC" : "RSA";
    }
}
