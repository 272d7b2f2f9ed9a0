package dev.reprise.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupStatsPollerTest {
  @TempDir Path tmp;

  private CgroupStats container(long pid) throws Exception {
    var id = "docker/c" + pid;
    write("proc/" + pid + "/cgroup", "2:cpuacct:/" + id + "\n4:memory:/" + id + "\n7:blkio:/" + id + "\n");
    write("proc/" + pid + "/net/dev", "  eth0: 1 0 0 0 0 0 0 0 2 0 0 0 0 0 0 0\n");
    write("proc/stat", "cpu  1 0 0 0 0 0 0\ncpu0 1 0 0 0 0 0 0\n");
    write("proc/meminfo", "MemTotal: 1000 kB\n");
    write("cg/cpuacct/" + id + "/cpuacct.usage", pid + "\n");
    write("cg/memory/" + id + "/memory.usage_in_bytes", "100\n");
    write("cg/memory/" + id + "/memory.stat", "total_inactive_file 0\n");
    write("cg/memory/" + id + "/memory.limit_in_bytes", "100\n");
    write("cg/blkio/" + id + "/blkio.throttle.io_service_bytes_recursive", "Total 0\n");
    return CgroupStats.locate(pid, tmp.resolve("cg"), tmp.resolve("proc"), Instant::now);
  }

  private void write(String rel, String text) throws Exception {
    var p = tmp.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("condition not reached in 20 s");
      Thread.sleep(10);
    }
  }

  @Test
  void samplesEveryFollowedContainerUntilClosedOrGone() throws Exception {
    var a = new CopyOnWriteArrayList<StatsSample>();
    var b = new CopyOnWriteArrayList<StatsSample>();
    try (var poller = new CgroupStatsPoller(Duration.ofMillis(20))) {
      var ha = poller.follow(container(11), a::add);
      poller.follow(container(12), s -> {
        b.add(s);
        throw new IllegalStateException("a failing sink loses its sample only");
      });
      await(() -> a.size() >= 2 && b.size() >= 2);
      assertThat(a.get(0).cpuTotalNanos()).isEqualTo(11);
      assertThat(b.get(0).cpuTotalNanos()).isEqualTo(12);
      assertThat(a.get(1).preCpuTotalNanos()).isEqualTo(11);

      ha.close();
      assertThat(poller.size()).isEqualTo(1);
      Files.delete(tmp.resolve("cg/cpuacct/docker/c12/cpuacct.usage"));
      await(() -> poller.size() == 0);
      int seen = a.size();
      poller.sampleAll();
      assertThat(a).hasSize(seen);
    }
    assertThat(List.of(a, b)).allSatisfy(l -> assertThat(l).isNotEmpty());
  }
}
