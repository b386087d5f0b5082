package io.openclaw.keys.leak;

import io.openclaw.events.DisplayText;
import io.openclaw.keys.config.KeysConfig;
import io.openclaw.keys.verify.RateLimiter;
import io.openclaw.keys.web.Caller;
import io.openclaw.keys.web.Problem;
import io.openclaw.keys.web.ProblemResponses;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.util.Map;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * {@code POST /v1/keys/leaks}: any authenticated principal may report strings it found; the answer is the
 * same whether or not anything matched. Rate-limited per principal.
 */
@Path("/v1/keys/leaks")
public class LeakResource {

    private final LeakedKeys leaks;
    private final RateLimiter rateLimiter;
    private final KeysConfig config;
    private final Clock clock;
    private final JsonWebToken jwt;

    public LeakResource(LeakedKeys leaks, RateLimiter rateLimiter, KeysConfig config, Clock clock, JsonWebToken jwt) {
        this.leaks = leaks;
        this.rateLimiter = rateLimiter;
        this.config = config;
        this.clock = clock;
        this.jwt = jwt;
    }

    @POST
    @Authenticated
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response report(LeakReport report) {
        Caller caller = Caller.of(jwt);
        if (report == null || report.candidates() == null || report.candidates().isEmpty()) {
            throw Problem.badRequest("candidates_required", "'candidates' lists the strings found");
        }
        if (report.candidates().size() > config.leaks().maxCandidates()) {
            throw Problem.badRequest(
                    "too_many_candidates", "at most " + config.leaks().maxCandidates() + " candidates per report");
        }
        if (report.source() != null && report.source().length() > 512) {
            throw Problem.badRequest("invalid_source", "source is at most 512 characters");
        }
        if (report.source() != null && !DisplayText.isPrintable(report.source())) {
            // the source goes into key.leaked and key.revoked events as it is
            throw Problem.badRequest(
                    "invalid_source", "source must contain printable characters only (no control or bidi characters)");
        }
        RateLimiter.Decision decision =
                rateLimiter.hit("leaks:" + caller.subject(), config.leaks().requestsPerMinute(), 60, clock.instant());
        if (!decision.allowed()) {
            return Response.fromResponse(
                            ProblemResponses.of(429, "too_many_reports", "too many leak reports; retry later"))
                    .header("Retry-After", decision.retryAfterSeconds())
                    .build();
        }
        leaks.submit(caller.subject(), report.candidates(), report.source());
        return Response.accepted(Map.of("received", report.candidates().size())).build();
    }
}
