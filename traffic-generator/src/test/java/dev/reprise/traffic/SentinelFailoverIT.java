package dev.reprise.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A master, two replicas and three sentinels (down-after 1 s) on loopback; the generator writes
 * through the sentinels, the master is killed (SIGKILL), and the generator must follow the new
 * master and report the write outage in seconds.
 */
class SentinelFailoverIT {

  @Test
  void followsTheFailoverAndMeasuresTheWriteOutage() throws Exception {
    try (LocalServers servers = new LocalServers()) {
      int master = LocalServers.freePort();
      Process masterProcess = servers.redis(master);
      for (int i = 0; i < 2; i++) {
        servers.redis(LocalServers.freePort(), "--replicaof", "127.0.0.1", Integer.toString(master));
      }
      StringBuilder sentinels = new StringBuilder();
      for (int i = 0; i < 3; i++) {
        int port = LocalServers.freePort();
        servers.sentinel(port, master);
        sentinels.append(i == 0 ? "" : ",").append("127.0.0.1:").append(port);
      }
      WorkloadRun run = new WorkloadRun("--target", "redis", "--sentinels", sentinels.toString(), "--master-name",
          "mymaster", "--mode", "mixed", "--threads", "2", "--rate", "200", "--duration-minutes", "0.5",
          "--cluster-timeout", "1000");
      run.generator.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (run.out.lines().stream().mapToLong(l -> l.get("ops").get("write").asLong()).sum() < 200) {
        assertThat(System.nanoTime()).as("writes through the sentinels' master").isLessThan(deadline);
        Thread.sleep(100);
      }
      masterProcess.destroyForcibly();
      run.generator.finish(run.generator.awaitEnd());
      JsonNode log = run.finalLog();
      assertThat(log.at("/driver/mode").asText()).isEqualTo("sentinel");
      assertThat(log.at("/driver/master_changes")).as("the new master was followed").isNotEmpty();
      assertThat(log.at("/driver/master").asText()).doesNotEndWith(":" + master);
      long outage = log.at("/write_outage/longest_ms").asLong();
      assertThat(outage).as("write outage (RTO), ms").isBetween(1000L, 25_000L);
      assertThat(log.at("/write_outage/ongoing_at_end").asBoolean()).isFalse();
      assertThat(run.out.lines()).anySatisfy(l -> assertThat(l.get("write_outage_ms").asLong()).isPositive());
      System.err.println("SentinelFailoverIT: longest write outage " + outage + " ms, master changes "
          + log.at("/driver/master_changes"));
    }
  }
}
