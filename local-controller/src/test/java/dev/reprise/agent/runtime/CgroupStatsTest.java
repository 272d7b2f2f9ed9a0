package dev.reprise.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CgroupStats} over hand-written cgroup and /proc trees; the expected values are the engine's for the same files. */
class CgroupStatsTest {
  @TempDir Path tmp;

  private static final String NET_DEV = """
      Inter-|   Receive                                                |  Transmit
       face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
          lo:     500       5    0    0    0     0          0         0      500       5    0    0    0     0       0          0
        eth0:     736       8    0    0    0     0          0         0      100       1    0    0    0     0       0          0
        eth1:      64       1    0    0    0     0          0         0       28       1    0    0    0     0       0          0
      """;

  private Path write(String rel, String text) throws Exception {
    var p = tmp.resolve(rel);
    Files.createDirectories(p.getParent());
    return Files.writeString(p, text);
  }

  private void proc(long pid, String cgroup, long cpuTicks) throws Exception {
    write("proc/" + pid + "/cgroup", cgroup);
    write("proc/" + pid + "/net/dev", NET_DEV);
    procStat(cpuTicks);
    write("proc/meminfo", "MemTotal:       24684768 kB\nMemFree:        1000 kB\n");
  }

  private void procStat(long userTicks) throws Exception {
    write("proc/stat", "cpu  " + userTicks + " 0 100 1000 10 0 5 7 0 0\ncpu0 1 0 0 0 0 0 0 0 0 0\ncpu1 1 0 0 0 0 0 0 0 0 0\nintr 1 2\n");
  }

  private static java.util.function.Supplier<Instant> times(Instant... at) {
    var q = new ArrayDeque<>(List.of(at));
    return q::poll;
  }

  @Test
  void cgroupV1SeparateMountsGiveTheEnginesFigures() throws Exception {
    var id = "docker/abc";
    proc(42, "9:name=systemd:/" + id + "\n7:blkio:/" + id + "\n4:memory:/" + id + "\n2:cpuacct:/" + id + "\n1:cpu:/" + id
        + "\n0::/" + id + "\n", 1000);
    Files.createDirectories(tmp.resolve("cg/unified"));
    write("cg/cpuacct/" + id + "/cpuacct.usage", "41628957\n");
    write("cg/memory/" + id + "/memory.usage_in_bytes", "708608\n");
    write("cg/memory/" + id + "/memory.stat", "cache 0\ninactive_file 9\ntotal_inactive_file 8192\n");
    write("cg/memory/" + id + "/memory.limit_in_bytes", "9223372036854771712\n");
    write("cg/blkio/" + id + "/blkio.throttle.io_service_bytes_recursive", "8:0 Read 4096\n8:0 Write 1024\n8:0 Total 5120\nTotal 5120\n");
    var t1 = Instant.parse("2026-12-03T11:52:39.096Z");
    var t2 = Instant.parse("2026-12-03T11:52:40.102Z");
    var stats = CgroupStats.locate(42, tmp.resolve("cg"), tmp.resolve("proc"), times(Instant.EPOCH, t1, t2));
    assertThat(stats).isNotNull();

    var first = stats.read();
    // (1000 + 100 + 1000 + 10 + 5) ticks of 10 ms, in ns; the 8th field (steal) is not counted, as the engine's
    assertThat(first).isEqualTo(new StatsSample(t1, 41628957, 0, 2115L * 10_000_000, 0, 2, 708608 - 8192,
        24684768L * 1024, 800, 128, 4096, 1024));
    assertThat(first.cpuPercent()).isZero();

    write("cg/cpuacct/" + id + "/cpuacct.usage", "51628957\n");
    procStat(1100);
    var second = stats.read();
    assertThat(second.read()).isEqualTo(t2);
    assertThat(second.preCpuTotalNanos()).isEqualTo(41628957);
    assertThat(second.preSystemCpuNanos()).isEqualTo(2115L * 10_000_000);
    // 10 ms of the container over 1 s of two cores' system time, x2 CPUs: 2 % of a core
    assertThat(second.cpuPercent()).isCloseTo(2.0, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void cgroupV1JointCpuMountAndCfqBlkioWhenItHasDevices() throws Exception {
    var id = "system.slice/docker-abc.scope";
    proc(7, "5:cpu,cpuacct:/" + id + "\n4:memory:/" + id + "\n3:blkio:/" + id + "\n", 10);
    write("cg/cpu,cpuacct/" + id + "/cpuacct.usage", "5\n");
    write("cg/memory/" + id + "/memory.usage_in_bytes", "100\n");
    write("cg/memory/" + id + "/memory.stat", "total_inactive_file 200\n");
    write("cg/memory/" + id + "/memory.limit_in_bytes", "67108864\n");
    write("cg/blkio/" + id + "/blkio.io_service_bytes_recursive", "8:0 Read 10\n8:0 Write 20\nTotal 30\n");
    write("cg/blkio/" + id + "/blkio.throttle.io_service_bytes_recursive", "8:0 Read 999\nTotal 999\n");
    var s = CgroupStats.locate(7, tmp.resolve("cg"), tmp.resolve("proc"), Instant::now).read();
    assertThat(s.cpuTotalNanos()).isEqualTo(5);
    assertThat(s.memBytes()).as("never below zero").isZero();
    assertThat(s.memLimitBytes()).isEqualTo(67108864);
    assertThat(s.blkReadBytes()).isEqualTo(10);
    assertThat(s.blkWriteBytes()).isEqualTo(20);
  }

  @Test
  void cgroupV2ReadsTheUnifiedFiles() throws Exception {
    var id = "system.slice/docker-abc.scope";
    proc(9, "0::/" + id + "\n", 10);
    write("cg/cgroup.controllers", "cpu memory io\n");
    write("cg/" + id + "/cpu.stat", "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\n");
    write("cg/" + id + "/memory.current", "4096\n");
    write("cg/" + id + "/memory.stat", "anon 1\nactive_file 5\ninactive_file 1024\n");
    write("cg/" + id + "/memory.max", "max\n");
    write("cg/" + id + "/io.stat", "8:0 rbytes=300 wbytes=400 rios=1 wios=2\n8:16 rbytes=1 wbytes=2\n");
    var s = CgroupStats.locate(9, tmp.resolve("cg"), tmp.resolve("proc"), Instant::now).read();
    assertThat(s.cpuTotalNanos()).isEqualTo(1_500_000);
    assertThat(s.memBytes()).isEqualTo(3072);
    assertThat(s.memLimitBytes()).as("unlimited: the host's memory").isEqualTo(24684768L * 1024);
    assertThat(s.blkReadBytes()).isEqualTo(301);
    assertThat(s.blkWriteBytes()).isEqualTo(402);
    assertThat(s.netRxBytes()).isEqualTo(800);
  }

  @Test
  void unreadableCgroupsMeanNoReaderSoTheEngineIsAsked() throws Exception {
    assertThat(CgroupStats.locate(0, tmp.resolve("cg"), tmp.resolve("proc"), Instant::now)).as("not running").isNull();
    assertThat(CgroupStats.locate(5, tmp.resolve("cg"), tmp.resolve("proc"), Instant::now)).as("no such process").isNull();
    proc(6, "4:memory:/docker/x\n", 10);
    assertThat(CgroupStats.locate(6, tmp.resolve("cg"), tmp.resolve("proc"), Instant::now)).as("no files").isNull();
  }

  @Test
  void aContainerWhoseFilesAreGoneFailsToRead() throws Exception {
    var id = "docker/gone";
    proc(8, "2:cpuacct:/" + id + "\n4:memory:/" + id + "\n7:blkio:/" + id + "\n", 10);
    write("cg/cpuacct/" + id + "/cpuacct.usage", "5\n");
    write("cg/memory/" + id + "/memory.usage_in_bytes", "100\n");
    write("cg/memory/" + id + "/memory.stat", "total_inactive_file 0\n");
    write("cg/memory/" + id + "/memory.limit_in_bytes", "100\n");
    write("cg/blkio/" + id + "/blkio.throttle.io_service_bytes_recursive", "Total 0\n");
    var stats = CgroupStats.locate(8, tmp.resolve("cg"), tmp.resolve("proc"), Instant::now);
    Files.delete(tmp.resolve("cg/cpuacct/" + id + "/cpuacct.usage"));
    org.assertj.core.api.Assertions.assertThatThrownBy(stats::read).isInstanceOf(java.io.IOException.class);
  }
}
