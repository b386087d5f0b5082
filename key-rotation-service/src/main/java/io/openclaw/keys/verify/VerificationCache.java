package io.openclaw.keys.verify;

import io.openclaw.keys.apikey.ApiKey;
import io.openclaw.keys.config.KeysConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * In-process cache of looked-up keys by SHA-256, positive and negative, for a short TTL. Invalidated by
 * this replica's own changes and, across replicas, by the service's key events. A load that raced with an
 * invalidation is not cached (generation check), so a revoked key never comes back from a stale read.
 */
@ApplicationScoped
public class VerificationCache {

    /** A key as the hot path needs it: parsed allowlist and scope set. Null key means "no such key". */
    public record CachedKey(ApiKey key, IpAllowlist allowlist, Set<String> scopes) {
        static CachedKey of(ApiKey key) {
            return key == null
                    ? new CachedKey(null, null, Set.of())
                    : new CachedKey(key, IpAllowlist.of(key.allowedCidrs()), Set.copyOf(key.scopes()));
        }
    }

    private record Entry(CachedKey value, long loadedAtNanos) {}

    private final ConcurrentHashMap<ByteBuffer, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    private final long ttlNanos;
    private final int maxEntries;

    public VerificationCache(KeysConfig config) {
        this.ttlNanos = config.verification().cacheTtl().toNanos();
        this.maxEntries = config.verification().cacheMaxEntries();
    }

    /** The cached lookup if still fresh, else null. */
    public CachedKey get(byte[] hash) {
        Entry entry = entries.get(ByteBuffer.wrap(hash));
        if (entry == null) {
            return null;
        }
        if (System.nanoTime() - entry.loadedAtNanos() > ttlNanos) {
            entries.remove(ByteBuffer.wrap(hash), entry);
            return null;
        }
        return entry.value();
    }

    /** The generation to pass to {@link #put} after a load started now. */
    public long generation() {
        return generation.get();
    }

    /** Caches a lookup unless an invalidation happened since it started. */
    public CachedKey put(byte[] hash, ApiKey key, long startedAtGeneration) {
        CachedKey value = CachedKey.of(key);
        if (entries.size() >= maxEntries) {
            entries.clear();
        }
        if (generation.get() == startedAtGeneration) {
            entries.put(ByteBuffer.wrap(hash.clone()), new Entry(value, System.nanoTime()));
            if (generation.get() != startedAtGeneration) {
                entries.remove(ByteBuffer.wrap(hash));
            }
        }
        return value;
    }

    /** Forgets a key (after it was revoked, rotated, changed, suspended or expired). */
    public void invalidateKey(String keyId) {
        generation.incrementAndGet();
        entries.values()
                .removeIf(entry ->
                        entry.value().key() != null && entry.value().key().id().equals(keyId));
    }

    public void invalidateAll() {
        generation.incrementAndGet();
        entries.clear();
    }

    public int size() {
        return entries.size();
    }
}
