package dev.reprise.master.safety;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The safety loop's view of a Prometheus server: one instant query, as an alerting rule evaluates
 * its {@code expr}. {@link JdkPrometheusApi} is the adapter (HTTP API {@code /api/v1/query}); tests
 * use a fake. Implementations are thread-safe and never throw for what the server or the network
 * does: that is an {@link InstantResult.Unavailable}.
 */
public interface PrometheusApi {

  /**
   * Evaluates {@code expr} now on the server at {@code baseUrl} ({@code http://127.0.0.1:9090}),
   * waiting at most {@code timeout} for the answer.
   *
   * @throws InterruptedException when the calling thread is interrupted (the loop is stopping)
   */
  InstantResult query(String baseUrl, String expr, Duration timeout) throws InterruptedException;

  /** What an instant query gave. */
  sealed interface InstantResult {

    /**
     * The server answered: every sample of the result (an instant vector's series, or a scalar as
     * one sample without labels). Empty: the vector had no series, which an alerting rule reads as
     * "does not fire".
     */
    record Samples(List<Sample> samples) implements InstantResult {
      public Samples {
        samples = List.copyOf(samples);
      }
    }

    /**
     * No usable answer: {@code why} is the server's error text ({@code status: error}, a status other
     * than 200), the connection failure or the timeout, in one line for a human.
     */
    record Unavailable(String why) implements InstantResult {}
  }

  /** One series of an instant vector (or a scalar: no labels) and its value (NaN and ±Inf possible). */
  record Sample(Map<String, String> labels, double value) {
    public Sample {
      labels = Map.copyOf(labels);
    }
  }
}
