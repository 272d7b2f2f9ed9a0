package dev.reprise.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** The Redis target against a real redis-server on loopback (scripts/setup-redis.sh installs it). */
class RedisWorkloadIT {

  @Test
  void aHealthyServerGetsEveryOperationAndNoAcknowledgedWriteIsLost() throws Exception {
    try (LocalServers servers = new LocalServers()) {
      int port = LocalServers.freePort();
      servers.redis(port);
      JsonNode log = new WorkloadRun("--target", "redis", "--hosts", "127.0.0.1:" + port, "--mode", "mixed",
          "--threads", "2", "--rate", "200", "--duration-minutes", "0.05", "--verify-writes").runToEnd();
      assertThat(log.at("/setup/ready").asBoolean()).isTrue();
      assertThat(log.at("/operations/failed").asLong()).isZero();
      assertThat(log.at("/operations/ok").asLong()).isGreaterThanOrEqualTo(500);
      assertThat(log.at("/verification/checked").asLong()).isEqualTo(log.at("/operations/write/ok").asLong());
      assertThat(log.get("writes_lost").asLong()).isZero();
      assertThat(log.get("data_loss_detected").asBoolean()).isFalse();
    }
  }

  @Test
  void lostWritesAreFoundAndAServerThatComesUpLateIsNotCountedAsLoad() throws Exception {
    try (LocalServers servers = new LocalServers()) {
      int port = LocalServers.freePort();
      WorkloadRun run = new WorkloadRun("--target", "redis", "--hosts", "127.0.0.1:" + port, "--mode", "write",
          "--threads", "2", "--closed-loop", "--duration-minutes", "0.05", "--verify-writes");
      Thread starter = new Thread(() -> {
        try {
          // The server starts after the generator: its setup retries are not failed operations.
          Thread.sleep(1500);
          servers.redis(port);
          // Lose every acknowledged write so far: the verification must see it.
          Thread.sleep(1000);
          try (var jedis = redis.clients.jedis.RedisClient.create("127.0.0.1", port)) {
            jedis.flushAll();
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      starter.start();
      JsonNode log = run.runToEnd();
      starter.join();
      assertThat(log.at("/setup/ready").asBoolean()).isTrue();
      assertThat(log.at("/setup/failed_attempts").asLong()).isPositive();
      assertThat(log.at("/setup/time_to_ready_ms").asLong()).isGreaterThanOrEqualTo(1000);
      assertThat(log.at("/operations/failed").asLong()).isZero();
      assertThat(log.at("/operations/scheduled").isNull()).isTrue();
      assertThat(log.get("data_loss_detected").asBoolean()).isTrue();
      assertThat(log.get("writes_lost").asLong()).isPositive();
    }
  }
}
