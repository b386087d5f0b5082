package io.openclaw.keys.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/** Request bodies are read as every service reads them: platform-events {@code http.StrictJson}. */
@Singleton
public class StrictJson implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        io.openclaw.events.http.StrictJson.configure(mapper);
    }
}
