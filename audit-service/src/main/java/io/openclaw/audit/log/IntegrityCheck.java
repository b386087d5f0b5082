package io.openclaw.audit.log;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Recomputes the hash chains: every record's sequence must follow its predecessor's, its {@code prev_hash}
 * must be its predecessor's hash, and its hash must be SHA-256 over that and its own canonical content.
 * Names the first broken link of each chain.
 */
public final class IntegrityCheck {

    /** A broken link: where, and which check failed. */
    public record Break(String chain, long sequence, String eventId, String accountId, String problem) {}

    /** What was checked of one chain. */
    public record ChainReport(String chain, long firstSequence, long lastSequence, long checked, Break broken) {}

    /** The whole result. */
    public record Report(long checked, List<ChainReport> chains) {
        public boolean intact() {
            return chains.stream().allMatch(c -> c.broken() == null);
        }

        public Break firstBreak() {
            return chains.stream()
                    .map(ChainReport::broken)
                    .filter(b -> b != null)
                    .findFirst()
                    .orElse(null);
        }
    }

    private final DataSource dataSource;

    public IntegrityCheck(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Checks one chain (or all when null) between two sequence numbers (inclusive, either may be null).
     * A range that starts inside a chain trusts the stored {@code prev_hash} of its first record.
     */
    public Report verify(String chain, Long fromSequence, Long toSequence) throws SQLException {
        List<ChainReport> reports = new ArrayList<>();
        long total = 0;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            c.setReadOnly(true);
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM audit_record "
                    + "WHERE (?::text IS NULL OR chain = ?) AND chain_seq >= ? AND chain_seq <= ? "
                    + "ORDER BY chain, chain_seq")) {
                ps.setFetchSize(1000);
                ps.setString(1, chain);
                ps.setString(2, chain);
                ps.setLong(3, fromSequence == null ? 1 : fromSequence);
                ps.setLong(4, toSequence == null ? Long.MAX_VALUE : toSequence);
                try (ResultSet rs = ps.executeQuery()) {
                    Walk walk = null;
                    while (rs.next()) {
                        AuditRecord r = AuditStore.read(rs);
                        total++;
                        if (walk == null || !walk.chain.equals(r.chain())) {
                            if (walk != null) {
                                reports.add(walk.report());
                            }
                            walk = new Walk(r, fromSequence);
                        }
                        walk.check(r);
                    }
                    if (walk != null) {
                        reports.add(walk.report());
                    }
                }
            } finally {
                c.rollback();
            }
        }
        return new Report(total, reports);
    }

    private static final class Walk {
        final String chain;
        final long first;
        long last;
        long checked;
        long expectedSeq;
        String expectedPrev;
        Break broken;

        Walk(AuditRecord start, Long fromSequence) {
            chain = start.chain();
            first = start.chainSeq();
            boolean fromTheStart = fromSequence == null || fromSequence <= 1;
            expectedSeq = fromTheStart ? 1 : start.chainSeq();
            expectedPrev = fromTheStart ? ChainHash.GENESIS : start.prevHash();
        }

        void check(AuditRecord r) {
            last = r.chainSeq();
            if (broken != null) {
                return;
            }
            checked++;
            if (r.chainSeq() != expectedSeq) {
                broken = new Break(chain, expectedSeq, null, null, "missing_record");
                return;
            }
            if (!r.prevHash().equals(expectedPrev)) {
                broken = new Break(chain, r.chainSeq(), r.eventId(), r.accountId(), "prev_hash_mismatch");
                return;
            }
            if (!ChainHash.hash(r).equals(r.hash())) {
                broken = new Break(chain, r.chainSeq(), r.eventId(), r.accountId(), "hash_mismatch");
                return;
            }
            expectedPrev = r.hash();
            expectedSeq++;
        }

        ChainReport report() {
            return new ChainReport(chain, first, last, checked, broken);
        }
    }
}
