package io.openclaw.audit.log;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
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
        return canonical(fields(r));
    }

    private static String canonical(List<Object> fields) {
        try {
            return CANONICAL.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Object> fields(AuditRecord r) {
        return Arrays.asList(
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
                r.data());
    }

    /**
     * The hash a record must carry, given its previous hash and content: SHA-256 over the previous hash and the
     * canonical record's UTF-8 bytes. The canonical record is written straight into the digest; a record with
     * a character outside the BMP (or half of one) goes through its text instead, because Jackson's UTF-8 writer
     * escapes such characters where the text keeps them.
     */
    public static String hash(AuditRecord r) {
        MessageDigest sha = sha256();
        sha.update(r.prevHash().getBytes(StandardCharsets.US_ASCII));
        List<Object> fields = fields(r);
        if (fields.stream().anyMatch(ChainHash::hasSurrogate)) {
            sha.update(canonical(fields).getBytes(StandardCharsets.UTF_8));
        } else {
            try {
                CANONICAL.writeValue(new DigestSink(sha), fields);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static boolean hasSurrogate(Object field) {
        if (field instanceof String s) {
            for (int i = 0; i < s.length(); i++) {
                if (Character.isSurrogate(s.charAt(i))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Bytes written to it go into the digest. */
    private static final class DigestSink extends OutputStream {
        private final MessageDigest digest;

        DigestSink(MessageDigest digest) {
            this.digest = digest;
        }

        @Override
        public void write(int b) {
            digest.update((byte) b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            digest.update(b, off, len);
        }
    }
}
