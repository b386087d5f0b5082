package io.openclaw.audit.log;

import io.openclaw.audit.config.AuditConfig;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** Liveness: the audit log writer thread is running. */
@Liveness
@ApplicationScoped
public class WriterHealth implements HealthCheck {

    private final IngestLoop loop;
    private final AuditConfig config;

    public WriterHealth(IngestLoop loop, AuditConfig config) {
        this.loop = loop;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        boolean up = !config.ingest().enabled() || loop.running();
        return HealthCheckResponse.named("audit log writer").status(up).build();
    }
}
