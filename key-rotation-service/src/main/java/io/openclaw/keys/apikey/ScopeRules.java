package io.openclaw.keys.apikey;

import io.openclaw.keys.web.Caller;
import io.openclaw.keys.web.Problem;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;

/** Which scopes a key may carry: well-formed names, and {@code platform:admin} only from a platform admin. */
public final class ScopeRules {

    private static final Pattern SCOPE = Pattern.compile("^[a-z][a-z0-9_.-]*(:[a-z0-9_.-]+)*$");
    private static final int MAX_SCOPES = 64;

    private ScopeRules() {}

    public static List<String> checkGrantable(Caller caller, List<String> scopes) {
        if (scopes == null || scopes.isEmpty()) {
            throw Problem.badRequest("invalid_scopes", "a key needs at least one scope");
        }
        if (scopes.size() > MAX_SCOPES) {
            throw Problem.badRequest("invalid_scopes", "a key has at most " + MAX_SCOPES + " scopes");
        }
        for (String scope : scopes) {
            if (scope == null || scope.length() > 64 || !SCOPE.matcher(scope).matches()) {
                throw Problem.badRequest(
                        "invalid_scopes",
                        "'"
                                + String.valueOf(scope)
                                        .replaceAll("[^ -~]", "?")
                                        .substring(
                                                0,
                                                Math.min(
                                                        64,
                                                        String.valueOf(scope).length()))
                                + "' is not a valid scope");
            }
            if (scope.equals("platform:admin") && !caller.isPlatformAdmin()) {
                throw new Problem(403, "scope_not_grantable", "only a platform admin can grant platform:admin");
            }
        }
        return List.copyOf(new LinkedHashSet<>(scopes));
    }
}
