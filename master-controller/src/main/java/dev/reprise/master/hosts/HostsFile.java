package dev.reprise.master.hosts;

import java.nio.file.Path;
import java.util.List;

/**
 * A parsed hosts file ({@link HostsFileParser}). Immutable.
 *
 * @param path where it was read from
 * @param hosts at least one; the first is the swarm manager
 * @param knownHosts the OpenSSH known_hosts file host keys are checked against (default {@code ~/.ssh/known_hosts})
 * @param ntpServer the NTP server agents measure their clock offset against, or null
 */
public record HostsFile(Path path, List<HostSpec> hosts, Path knownHosts, String ntpServer) {
  public HostsFile {
    hosts = List.copyOf(hosts);
    if (hosts.isEmpty()) throw new IllegalArgumentException("a hosts file names at least one host");
  }

  /** The first host: the swarm manager. */
  public HostSpec manager() {
    return hosts.get(0);
  }
}
