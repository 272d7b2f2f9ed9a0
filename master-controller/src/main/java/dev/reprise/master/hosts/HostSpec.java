package dev.reprise.master.hosts;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One host of a hosts file. Immutable. Exactly one of {@code privateKey} and {@code password} is set.
 *
 * @param name the host's name in results and logs (default: {@code address})
 * @param address host name or IP address the master connects to
 * @param port the SSH port (default 22)
 * @param user the SSH user
 * @param privateKey an OpenSSH/PEM private key file (ed25519 or RSA), or null
 * @param password the SSH password (discouraged), or null; never printed by {@link #toString()}
 * @param workDir where the agent jar, fault scripts and run records live on that host
 *     (default {@value #DEFAULT_WORK_DIR}); must differ between hosts that share a file system
 */
public record HostSpec(String name, String address, int port, String user, Path privateKey, Secret password, String workDir) {
  public static final String DEFAULT_WORK_DIR = "/var/tmp/reprise";

  public HostSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(workDir, "workDir");
    if ((privateKey == null) == (password == null)) {
      throw new IllegalArgumentException("exactly one of private_key and password must be set for " + name);
    }
  }

  /** {@code user@address:port}, for messages. */
  public String target() {
    return user + "@" + address + ":" + port;
  }

  @Override
  public String toString() {
    return "HostSpec[" + name + " " + target() + (privateKey != null ? " key " + privateKey : " password " + password) + "]";
  }

  /** A password that is never printed: {@link #toString()} is {@code ****}. */
  public static final class Secret {
    private final char[] value;

    public Secret(String value) {
      this.value = value.toCharArray();
    }

    /** The secret itself, for the SSH adapter only. */
    public String reveal() {
      return new String(value);
    }

    @Override
    public String toString() {
      return "****";
    }
  }
}
