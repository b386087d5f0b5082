package io.openclaw.audit.detection;

/**
 * What one event means for one rule, keyed (in the topology) by what the rule counts per: an IP, a
 * network, an account, a key, an actor. Carries only ids, never credentials.
 *
 * @param rule the rule id
 * @param subject what the alert would be about ({@code ip:…}, a network, {@code key_…}, an actor)
 * @param eventId the triggering event's id (evidence)
 * @param accountId the account the event belongs to, or null
 * @param time event time in epoch milliseconds
 * @param network the network of the source address, for the new-network rule
 * @param keyId the API key, for key rules
 * @param detail a short reason for the summary
 */
public record Observation(
        String rule,
        String subject,
        String eventId,
        String accountId,
        long time,
        String network,
        String keyId,
        String detail) {}
