package io.openclaw.token.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * Request bodies are read as every service reads them: platform-events {@code http.StrictJson} (a field named
 * twice, an unknown field or a value of the wrong type is a 400, never coerced or a 500).
 */
@Singleton
public class StrictJson implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        io.openclaw.events.http.StrictJson.configure(mapper);
    }
}
