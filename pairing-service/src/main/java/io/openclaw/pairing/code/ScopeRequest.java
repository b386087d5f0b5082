package io.openclaw.pairing.code;

import io.openclaw.pairing.web.ProblemException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks requested device scopes: each must be in the account's catalog and held by the caller. */
public final class ScopeRequest {

    private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    private static final int MAX_SCOPES = 32;

    private ScopeRequest() {}

    /** The requested scopes, deduplicated in order, or a 4xx problem naming the offending ones. */
    public static List<String> grantable(Collection<String> requested, Set<String> catalog, Set<String> held) {
        if (requested == null || requested.isEmpty()) {
            throw ProblemException.badRequest("invalid_scope", "scopes must name at least one device scope");
        }
        if (requested.size() > MAX_SCOPES) {
            throw ProblemException.badRequest("invalid_scope", "at most " + MAX_SCOPES + " scopes");
        }
        Set<String> scopes = new LinkedHashSet<>();
        List<String> unknown = new ArrayList<>();
        for (String scope : requested) {
            if (scope == null || !SHAPE.matcher(scope).matches()) {
                throw ProblemException.badRequest("invalid_scope", "a scope is malformed");
            }
            if (!catalog.contains(scope)) {
                unknown.add(scope);
            }
            scopes.add(scope);
        }
        if (!unknown.isEmpty()) {
            throw ProblemException.badRequest(
                    "invalid_scope", "not in the account's device-scope catalog: " + String.join(" ", unknown));
        }
        List<String> notHeld = scopes.stream().filter(s -> !held.contains(s)).toList();
        if (!notHeld.isEmpty()) {
            throw new ProblemException(
                    403,
                    "scope_not_grantable",
                    "the caller may not grant scopes it does not hold: " + String.join(" ", notHeld));
        }
        return List.copyOf(scopes);
    }
}
