package io.openclaw.pairing.bruteforce;

import io.openclaw.pairing.config.PairingConfig;
import io.openclaw.pairing.web.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;

/** The configured brute-force limits, and how a source address is classified under them. */
@ApplicationScoped
public class BruteForceLimits {

    private final PairingConfig.BruteForce config;

    public BruteForceLimits(PairingConfig config) {
        this.config = config.bruteForce();
    }

    public PairingConfig.BruteForce config() {
        return config;
    }

    /** The source of a guess, or a 400 when the caller passed something that is not an IP address. */
    public SourceAddress source(String ip) {
        return SourceAddress.parse(ip, config.ipv4NetworkPrefix(), config.ipv6NetworkPrefix())
                .orElseThrow(() -> ProblemException.badRequest("invalid_request", "source_ip must be an IP address"));
    }
}
