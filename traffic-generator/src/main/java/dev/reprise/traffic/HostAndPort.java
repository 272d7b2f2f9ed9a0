package dev.reprise.traffic;

/** One contact point, {@code host[:port]} (port defaults to 9042, Cassandra's, unless the caller gives the target's). */
public record HostAndPort(String host, int port) {

  /** CQL's default native transport port. */
  public static final int DEFAULT_PORT = 9042;

  public HostAndPort {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("empty host name");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " of " + host + " is not in 1..65535");
    }
  }

  /**
   * Parses {@code host}, {@code host:port} or {@code [v6addr]:port}.
   *
   * @throws IllegalArgumentException naming the bad entry
   */
  public static HostAndPort parse(String text) {
    return parse(text, DEFAULT_PORT);
  }

  /** Parses like {@link #parse(String)}, with {@code defaultPort} for an entry without a port. */
  public static HostAndPort parse(String text, int defaultPort) {
    String s = text.trim();
    if (s.isEmpty()) {
      throw new IllegalArgumentException("empty entry");
    }
    String host = s;
    String port = null;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("'" + text + "' opens '[' without closing it");
      }
      host = s.substring(1, close);
      if (close + 1 < s.length()) {
        if (s.charAt(close + 1) != ':') {
          throw new IllegalArgumentException("'" + text + "': expected ':port' after ']'");
        }
        port = s.substring(close + 2);
      }
    } else if (s.indexOf(':') >= 0 && s.indexOf(':') == s.lastIndexOf(':')) {
      host = s.substring(0, s.indexOf(':'));
      port = s.substring(s.indexOf(':') + 1);
    }
    int p = defaultPort;
    if (port != null) {
      try {
        p = Integer.parseInt(port);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + text + "': port '" + port + "' is not a number");
      }
    }
    return new HostAndPort(host, p);
  }

  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
