package dev.reprise.traffic;

import java.util.Locale;

/** The system under load ({@code --target}); each kind is one {@link LoadTarget} adapter. */
public enum TargetKind {
  /** CQL through the Apache Cassandra Java driver ({@link CassandraTarget}); the default. */
  CASSANDRA(9042),
  /** HTTP GET (reads) and POST (writes) through Apache HttpClient 5 ({@link HttpTarget}). */
  HTTP(80),
  /** Redis GET/SET through Jedis, standalone or through Sentinel ({@link RedisTarget}). */
  REDIS(6379);

  private final int defaultPort;

  TargetKind(int defaultPort) {
    this.defaultPort = defaultPort;
  }

  /** The port a {@code --hosts} entry without one gets (unless {@code --port} says otherwise). */
  public int defaultPort() {
    return defaultPort;
  }

  /** The lower-case name used on the command line and in the final log. */
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
