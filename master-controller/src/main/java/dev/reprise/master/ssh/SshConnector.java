package dev.reprise.master.ssh;

import dev.reprise.master.hosts.HostSpec;
import java.io.IOException;

/** Opens SSH connections; the real one is {@link JschConnector}. Thread-safe. */
@FunctionalInterface
public interface SshConnector {
  /**
   * Connects and authenticates.
   *
   * @throws HostKeyException when the host key is unknown (and new keys are not accepted) or changed
   * @throws IOException when the host is unreachable or refuses the login (the message says which)
   */
  RemoteHost connect(HostSpec host) throws IOException;
}
