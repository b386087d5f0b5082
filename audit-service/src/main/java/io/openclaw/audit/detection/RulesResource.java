package io.openclaw.audit.detection;

import io.openclaw.audit.web.Caller;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;

/** {@code GET /v1/audit/rules}: the detection rules and their configured thresholds. */
@Path("/v1/audit/rules")
@Produces(MediaType.APPLICATION_JSON)
public class RulesResource {

    private final DetectionRules rules;

    public RulesResource(DetectionRules rules) {
        this.rules = rules;
    }

    @GET
    @RolesAllowed({"audit:read", "alerts:manage", Caller.PLATFORM_ADMIN})
    public Map<String, List<Rule>> list() {
        return Map.of("rules", rules.all());
    }
}
