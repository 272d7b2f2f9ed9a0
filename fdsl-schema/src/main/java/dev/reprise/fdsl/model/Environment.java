package dev.reprise.fdsl.model;

/**
 * The {@code environment} section.
 *
 * @param seed root seed of every random pick (FaultSee's default {@value #DEFAULT_SEED})
 * @param ntpServer host name of the NTP server clocks are measured against; null: no clock sync
 * @param compose the compose file, relative to the scenario's folder (extension); null: the default
 */
public record Environment(long seed, String ntpServer, String compose) {
  public static final long DEFAULT_SEED = 789;
}
