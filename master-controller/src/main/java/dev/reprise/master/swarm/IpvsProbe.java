package dev.reprise.master.swarm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Detects a kernel without IP_VS, where swarm's virtual IPs (endpoint mode {@code vip}) accept
 * connections nowhere and clients time out silently. IP_VS is present when {@code ip_vs} is listed in
 * {@code /proc/modules} or {@code /sys/module/ip_vs} exists (built in or loaded).
 */
public final class IpvsProbe {
  private final Path root;

  /** Probes the files under {@code root} ({@code /} on a real host; a temp folder in tests). */
  public IpvsProbe(Path root) {
    this.root = root;
  }

  /** Probes this host. */
  public static IpvsProbe local() {
    return new IpvsProbe(Path.of("/"));
  }

  public boolean available() {
    if (Files.isDirectory(root.resolve("sys/module/ip_vs"))) return true;
    try {
      for (String line : Files.readAllLines(root.resolve("proc/modules"))) {
        if (line.startsWith("ip_vs ")) return true;
      }
    } catch (IOException e) {
      // no /proc/modules (module support off, or a container): rely on /sys alone
    }
    return false;
  }

  /**
   * The warning to show when {@code stack} has services in endpoint mode {@code vip} and this kernel
   * has no IP_VS; empty otherwise.
   */
  public Optional<String> warning(StackSpec stack) {
    var vip = new ArrayList<String>();
    for (var s : stack.services()) {
      if (s.endpointMode() == StackSpec.EndpointMode.VIP) vip.add(s.composeName());
    }
    if (vip.isEmpty() || available()) return Optional.empty();
    return Optional.of(message(vip));
  }

  static String message(List<String> services) {
    return "warning: this kernel has no IP_VS (no ip_vs in /proc/modules, no /sys/module/ip_vs), so swarm virtual IPs "
        + "do not answer; services " + String.join(", ", services) + " use endpoint_mode vip: use endpoint_mode: dnsrr "
        + "and reach services as tasks.<service>";
  }
}
