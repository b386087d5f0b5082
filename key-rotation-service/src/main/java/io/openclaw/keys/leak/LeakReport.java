package io.openclaw.keys.leak;

import com.fasterxml.jackson.annotation.JsonAlias;
import java.util.List;

/** {@code POST /v1/keys/leaks}: strings found somewhere (e.g. by a repository scanner), and where. */
public record LeakReport(@JsonAlias({"strings", "found", "keys"}) List<String> candidates, String source) {}
