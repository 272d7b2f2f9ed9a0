package dev.reprise.master.cli;

import dev.reprise.export.ModelSummary;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The model-written summary's options ({@code summary.ai.md}), shared by {@code master compare} and
 * {@code master run --with-baseline}: an OpenAI-compatible endpoint, the environment variable that
 * holds its key, the model and a timeout. Without {@code --summary-endpoint} nothing is asked.
 */
final class SummaryOptions {
  @Option(names = "--summary-endpoint", paramLabel = "URL",
      description = "Also ask this OpenAI-compatible endpoint (…/v1/chat/completions, or its base) for summary.ai.md from the same facts.")
  URI endpoint;

  @Option(names = "--summary-key-env", paramLabel = "VAR", defaultValue = "OPENAI_API_KEY",
      description = "The environment variable holding the endpoint's API key (default: ${DEFAULT-VALUE}; unset: no key sent).")
  String keyEnv;

  @Option(names = "--summary-model", paramLabel = "MODEL", defaultValue = "gpt-4o-mini",
      description = "The model asked (default: ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--summary-timeout", paramLabel = "SECONDS", defaultValue = "60",
      description = "Give up on the endpoint after this many seconds: one warning, summary.md stays (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  /** The settings, or null without {@code --summary-endpoint}; {@code env} is the process environment. */
  ModelSummary.Settings settings(Map<String, String> env) {
    if (endpoint == null) return null;
    if (endpoint.getScheme() == null || !(endpoint.getScheme().equals("http") || endpoint.getScheme().equals("https"))
        || endpoint.getHost() == null) {
      throw new IllegalArgumentException("--summary-endpoint: '" + endpoint + "' is not an http(s) URL with a host");
    }
    if (timeoutSeconds < 1) throw new IllegalArgumentException("--summary-timeout must be at least 1 second, got " + timeoutSeconds);
    return new ModelSummary.Settings(endpoint, env.get(keyEnv), model, Duration.ofSeconds(timeoutSeconds));
  }
}
