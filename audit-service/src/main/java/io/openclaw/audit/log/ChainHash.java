package io.openclaw.audit.log;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;

/**
 * The hash chain: {@code hash = SHA-256(prev_hash || canonical record)}, hex encoded. The canonical record
 * is a JSON array of the chain position, the envelope and the data (itself canonical JSON, sorted keys), so
 * no two different records share a canonical form.
 */
public final class ChainHash {

    /** The previous hash of the first record of every chain. */
    public static final String GENESIS = "0".repeat(64);

    private static final ObjectMapper CANONICAL =
            new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private ChainHash() {}

    /** Event data as canonical JSON: keys sorted at every level. */
    public static String canonicalData(Map<String, Object> data) {
        try {
            return CANONICAL.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event data cannot be serialised", e);
        }
    }

    static String canonical(AuditRecord r) {
        try {
            return CANONICAL.writeValueAsString(Arrays.asList(
                    r.chain(),
                    r.chainSeq(),
                    r.eventId(),
                    r.type(),
                    r.source(),
                    r.time().toString(),
                    r.accountId(),
                    r.actor(),
                    r.subject(),
                    r.outcome(),
                    r.reason(),
                    r.sourceIp(),
                    r.userAgent(),
                    r.data()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The hash a record must carry, given its previous hash and content. */
    public static String hash(AuditRecord r) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(r.prevHash().getBytes(StandardCharsets.US_ASCII));
            sha.update(canonical(r).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
