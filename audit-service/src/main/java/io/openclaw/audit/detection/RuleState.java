package io.openclaw.audit.detection;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Per-key detection state kept in the Streams store (serialised as JSON, restored from its changelog). */
public class RuleState {
    /** Event times (epoch ms) inside the sliding window, oldest first. */
    public List<Long> times = new ArrayList<>();
    /** Event ids matching {@link #times}. */
    public List<String> ids = new ArrayList<>();
    /** Usage spike: the minute being counted (epoch minutes). */
    public long minute;
    /** Usage spike: uses counted in {@link #minute}. */
    public long count;
    /** Usage spike: exponentially weighted moving average of uses per minute. */
    public double ewma;
    /** Usage spike: minutes folded into the baseline. */
    public int minutes;
    /** New network: last successful use per network (epoch ms). */
    public Map<String, Long> networks = new HashMap<>();
    /** Latest event time seen (epoch ms), for expiry. */
    public long lastSeen;
}
