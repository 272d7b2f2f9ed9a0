package dev.reprise.agent.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * A container's resource counters read straight from its cgroup files and {@code /proc}, as the
 * Docker engine reads them for its stats API, so a sample costs the engine nothing and the agent a
 * few small file reads instead of a held HTTP stream and a JSON document per second. Produces the
 * same {@link StatsSample} values the engine's stats would:
 * <ul>
 *   <li>CPU: {@code cpuacct.usage} (v1) or {@code cpu.stat usage_usec} (v2); the system's from the
 *       {@code cpu} line of {@code /proc/stat} (user … softirq, in ns), online CPUs = its {@code cpuN} lines;
 *   <li>memory: usage minus inactive file cache ({@code memory.usage_in_bytes} − {@code total_inactive_file},
 *       v2 {@code memory.current} − {@code inactive_file}); the limit capped at the host's {@code MemTotal}
 *       (the engine reports an unlimited container's limit as the host's memory);
 *   <li>network: {@code /proc/<pid>/net/dev} of the container's init process, all interfaces but {@code lo};
 *   <li>block I/O: {@code blkio.io_service_bytes_recursive} when it has entries, else
 *       {@code blkio.throttle.io_service_bytes_recursive} (v1), {@code io.stat rbytes/wbytes} (v2).
 * </ul>
 * Not thread-safe: one reader per container, called from one thread.
 */
public final class CgroupStats {
  private final Path cpuDir;
  private final Path memoryDir;
  private final Path blkioDir;
  private final boolean v2;
  private final Path procStat;
  private final Path procNetDev;
  private final Path procMeminfo;
  private final Supplier<Instant> now;
  private long preCpu;
  private long preSystem;

  private CgroupStats(Path cpuDir, Path memoryDir, Path blkioDir, boolean v2, Path proc, long pid, Supplier<Instant> now) {
    this.cpuDir = cpuDir;
    this.memoryDir = memoryDir;
    this.blkioDir = blkioDir;
    this.v2 = v2;
    this.procStat = proc.resolve("stat");
    this.procNetDev = proc.resolve(pid + "/net/dev");
    this.procMeminfo = proc.resolve("meminfo");
    this.now = now;
  }

  /**
   * The reader for the process {@code pid}'s cgroups (a container's init process), found through
   * {@code <proc>/<pid>/cgroup} under {@code cgroupRoot}; null when they cannot be read (no such
   * process, another layout, a remote engine, missing permissions): the caller then asks the engine.
   * Reads one sample to make sure every file answers.
   */
  public static CgroupStats locate(long pid, Path cgroupRoot, Path proc, Supplier<Instant> now) {
    if (pid <= 0) return null;
    try {
      var text = Files.readString(proc.resolve(pid + "/cgroup"), StandardCharsets.UTF_8);
      boolean unifiedRoot = Files.exists(cgroupRoot.resolve("cgroup.controllers"));
      Path cpu = null, memory = null, blkio = null, unified = null;
      for (var line : text.split("\n")) {
        var parts = line.strip().split(":", 3);
        if (parts.length < 3) continue;
        var rel = parts[2].startsWith("/") ? parts[2].substring(1) : parts[2];
        if (parts[1].isEmpty()) {
          if (unifiedRoot) unified = cgroupRoot.resolve(rel);
          continue;
        }
        for (var controller : parts[1].split(",")) {
          var dir = cgroupRoot.resolve(parts[1]).resolve(rel);
          if (!Files.isDirectory(dir)) dir = cgroupRoot.resolve(controller).resolve(rel);
          if (controller.equals("cpuacct") && Files.exists(dir.resolve("cpuacct.usage"))) cpu = dir;
          if (controller.equals("memory")) memory = dir;
          if (controller.equals("blkio")) blkio = dir;
        }
      }
      CgroupStats stats;
      if (cpu != null && memory != null && blkio != null) stats = new CgroupStats(cpu, memory, blkio, false, proc, pid, now);
      else if (unified != null) stats = new CgroupStats(unified, unified, unified, true, proc, pid, now);
      else return null;
      stats.read();
      stats.preCpu = 0;
      stats.preSystem = 0;
      return stats;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * One sample; the previous one's CPU counters become its {@code pre} values (0 for the first,
   * whose CPU percentage is therefore 0, as the engine's first streamed sample).
   *
   * @throws IOException when a file is gone (the container ended) or unreadable
   */
  public StatsSample read() throws IOException {
    var read = now.get();
    long cpu = v2 ? keyed(cpuDir.resolve("cpu.stat"), "usage_usec") * 1000 : number(cpuDir.resolve("cpuacct.usage"));
    var system = systemCpu(Files.readString(procStat, StandardCharsets.US_ASCII));
    long usage, inactive, limit;
    if (v2) {
      usage = number(memoryDir.resolve("memory.current"));
      inactive = keyed(memoryDir.resolve("memory.stat"), "inactive_file");
      var max = Files.readString(memoryDir.resolve("memory.max"), StandardCharsets.US_ASCII).strip();
      limit = max.equals("max") ? Long.MAX_VALUE : Long.parseLong(max);
    } else {
      usage = number(memoryDir.resolve("memory.usage_in_bytes"));
      inactive = keyed(memoryDir.resolve("memory.stat"), "total_inactive_file");
      limit = number(memoryDir.resolve("memory.limit_in_bytes"));
    }
    long memTotal = keyed(procMeminfo, "MemTotal:") * 1024;
    if (memTotal > 0 && limit > memTotal) limit = memTotal;
    long[] net = netDev(Files.readString(procNetDev, StandardCharsets.US_ASCII));
    long[] blk = v2 ? ioStat(Files.readString(blkioDir.resolve("io.stat"), StandardCharsets.US_ASCII)) : blkio();
    var sample = new StatsSample(read, cpu, preCpu, system[0], preSystem, (int) system[1], Math.max(0, usage - inactive), limit,
        net[0], net[1], blk[0], blk[1]);
    preCpu = cpu;
    preSystem = system[0];
    return sample;
  }

  private long[] blkio() throws IOException {
    var cfq = blkioDir.resolve("blkio.io_service_bytes_recursive");
    if (Files.exists(cfq)) {
      var text = Files.readString(cfq, StandardCharsets.US_ASCII);
      if (hasDeviceLines(text)) return serviceBytes(text);
    }
    return serviceBytes(Files.readString(blkioDir.resolve("blkio.throttle.io_service_bytes_recursive"), StandardCharsets.US_ASCII));
  }

  private static boolean hasDeviceLines(String text) {
    for (var line : text.split("\n")) if (line.strip().split("\\s+").length == 3) return true;
    return false;
  }

  /** {@code [system CPU ns, online CPUs]} from {@code /proc/stat}: the {@code cpu} line's first seven fields at 100 ticks/s. */
  static long[] systemCpu(String procStat) {
    long total = 0;
    int cpus = 0;
    for (var line : procStat.split("\n")) {
      if (line.startsWith("cpu ")) {
        var f = line.trim().split("\\s+");
        for (int i = 1; i <= 7 && i < f.length; i++) total += Long.parseLong(f[i]);
      } else if (line.startsWith("cpu")) {
        cpus++;
      }
    }
    // USER_HZ is 100 on every Linux the engine runs on (the engine assumes it too).
    return new long[] {total * 10_000_000L, cpus};
  }

  /** {@code [rx, tx]} bytes over every interface but {@code lo}. */
  static long[] netDev(String text) {
    long rx = 0, tx = 0;
    for (var line : text.split("\n")) {
      int colon = line.indexOf(':');
      if (colon < 0) continue;
      var name = line.substring(0, colon).strip();
      if (name.equals("lo") || name.contains("|")) continue;
      var f = line.substring(colon + 1).trim().split("\\s+");
      if (f.length < 9) continue;
      rx += Long.parseLong(f[0]);
      tx += Long.parseLong(f[8]);
    }
    return new long[] {rx, tx};
  }

  /** {@code [read, write]} bytes from v1 {@code <major>:<minor> Read|Write <bytes>} lines. */
  static long[] serviceBytes(String text) {
    long read = 0, write = 0;
    for (var line : text.split("\n")) {
      var f = line.strip().split("\\s+");
      if (f.length != 3) continue;
      if (f[1].equalsIgnoreCase("read")) read += Long.parseLong(f[2]);
      else if (f[1].equalsIgnoreCase("write")) write += Long.parseLong(f[2]);
    }
    return new long[] {read, write};
  }

  /** {@code [read, write]} bytes from v2 {@code io.stat} ({@code 8:0 rbytes=… wbytes=…}). */
  static long[] ioStat(String text) {
    long read = 0, write = 0;
    for (var line : text.split("\n")) {
      for (var kv : line.strip().split("\\s+")) {
        if (kv.startsWith("rbytes=")) read += Long.parseLong(kv.substring(7));
        else if (kv.startsWith("wbytes=")) write += Long.parseLong(kv.substring(7));
      }
    }
    return new long[] {read, write};
  }

  private static long number(Path file) throws IOException {
    return Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).strip());
  }

  /** The number after {@code key} on the line starting with it (0 when there is none). */
  private static long keyed(Path file, String key) throws IOException {
    for (var line : Files.readString(file, StandardCharsets.US_ASCII).split("\n")) {
      if (line.startsWith(key) && line.length() > key.length() && (key.endsWith(":") || line.charAt(key.length()) == ' ')) {
        return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
      }
    }
    return 0;
  }
}
