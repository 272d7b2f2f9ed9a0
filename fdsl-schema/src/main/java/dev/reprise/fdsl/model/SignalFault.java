package dev.reprise.fdsl.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * {@code signal:} — deliver a POSIX signal to the target containers' main process.
 *
 * @param signal the signal name with the {@code SIG} prefix, e.g. {@code SIGUSR1}; validated by the parser
 * @param killsContainer whether the scenario author declares the signal to end the container
 */
public record SignalFault(String signal, @JsonProperty("killsContainer") boolean killsContainer) implements FaultSpec {
  public static final String TYPE = "signal";

  public SignalFault {
    Objects.requireNonNull(signal, "signal");
  }

  @Override public String type() { return TYPE; }
  @Override public String label() { return "signal " + signal; }
  @Override public long durationMillis() { return 0; }
}
