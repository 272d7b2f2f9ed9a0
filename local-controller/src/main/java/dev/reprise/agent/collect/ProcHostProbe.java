package dev.reprise.agent.collect;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a host's counters from {@code /proc} (or a copy of it, for tests): CPU jiffies
 * ({@code stat}), memory ({@code meminfo}), network bytes without loopback ({@code net/dev}), disk
 * bytes of whole disks ({@code diskstats}, 512-byte sectors) and load ({@code loadavg}).
 */
public final class ProcHostProbe {
  /**
   * Raw counters at one instant.
   *
   * @param cpuBusy busy jiffies, all cores
   * @param cpuTotal all jiffies, all cores
   */
  public record Counters(long cpuBusy, long cpuTotal, int cores, long memTotal, long memAvailable,
      long netRx, long netTx, long diskRead, long diskWrite, double load1) {}

  private final Path proc;

  public ProcHostProbe(Path proc) {
    this.proc = proc;
  }

  public Counters read() throws IOException {
    long busy = 0, total = 0;
    int cores = 0;
    for (var line : Files.readAllLines(proc.resolve("stat"))) {
      if (line.startsWith("cpu ")) {
        var f = line.trim().split("\\s+");
        for (int i = 1; i < f.length && i <= 8; i++) {
          long v = Long.parseLong(f[i]);
          total += v;
          if (i != 4 && i != 5) busy += v; // idle and iowait are not busy
        }
      } else if (line.matches("cpu\\d+ .*")) {
        cores++;
      }
    }
    long memTotal = 0, memAvail = 0;
    for (var line : Files.readAllLines(proc.resolve("meminfo"))) {
      if (line.startsWith("MemTotal:")) memTotal = kb(line);
      else if (line.startsWith("MemAvailable:")) memAvail = kb(line);
    }
    long rx = 0, tx = 0;
    for (var line : Files.readAllLines(proc.resolve("net/dev"))) {
      int colon = line.indexOf(':');
      if (colon < 0) continue;
      var name = line.substring(0, colon).trim();
      if (name.equals("lo")) continue;
      var f = line.substring(colon + 1).trim().split("\\s+");
      rx += Long.parseLong(f[0]);
      tx += Long.parseLong(f[8]);
    }
    long read = 0, write = 0;
    var diskstats = proc.resolve("diskstats");
    if (Files.exists(diskstats)) {
      for (var line : Files.readAllLines(diskstats)) {
        var f = line.trim().split("\\s+");
        if (f.length < 10 || !isWholeDisk(f[2])) continue;
        read += Long.parseLong(f[5]) * 512;
        write += Long.parseLong(f[9]) * 512;
      }
    }
    var load = Files.readString(proc.resolve("loadavg")).trim().split("\\s+");
    return new Counters(busy, total, cores, memTotal, memAvail, rx, tx, read, write, Double.parseDouble(load[0]));
  }

  /** Whole disks only (sda, vda, nvme0n1, xvda), so partitions are not counted twice. */
  static boolean isWholeDisk(String name) {
    return name.matches("(sd|vd|xvd|hd)[a-z]+") || name.matches("nvme\\d+n\\d+") || name.matches("mmcblk\\d+");
  }

  private static long kb(String line) {
    var f = line.trim().split("\\s+");
    return Long.parseLong(f[1]) * 1024;
  }

  /** Machine CPU use between two readings, in percent of all cores (100 = every core busy). */
  public static double cpuPercent(Counters previous, Counters now) {
    long total = now.cpuTotal() - previous.cpuTotal();
    if (total <= 0) return 0;
    return 100.0 * (now.cpuBusy() - previous.cpuBusy()) / total;
  }
}
