package dev.reprise.traffic;

import dev.reprise.time.Time;

/** Builds the adapter {@code --target} names. Every adapter is also the run's {@link ConnectionStress}. */
public final class Targets {

  private Targets() {}

  /** The target for {@code options}; nothing is contacted before {@link LoadTarget#start()}. */
  public static LoadTarget create(TrafficOptions options, Time clock) {
    switch (options.target().kind()) {
      case HTTP:
        return new HttpTarget(options, clock);
      case REDIS:
        return new RedisTarget(options, clock);
      case CASSANDRA:
      default:
        return new CassandraTarget(options, clock);
    }
  }
}
