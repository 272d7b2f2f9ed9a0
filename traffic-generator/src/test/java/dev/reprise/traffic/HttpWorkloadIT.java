package dev.reprise.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** The HTTP target against Debian's nginx on loopback (scripts/setup-nginx.sh installs it). */
class HttpWorkloadIT {

  @Test
  void statusClassesAreCountedAndConnectionErrorsAreSeparated() throws Exception {
    try (LocalServers servers = new LocalServers()) {
      int port = LocalServers.freePort();
      int closedPort = LocalServers.freePort();
      servers.nginx(port);
      String base = "http://127.0.0.1:" + port;
      JsonNode ok = new WorkloadRun("--target", "http", "--hosts", "localhost:" + port, "--mode", "mixed",
          "--threads", "2", "--rate", "200", "--duration-minutes", "0.05").runToEnd();
      assertThat(ok.at("/operations/failed").asLong()).isZero();
      assertThat(ok.at("/driver/http_status/2xx").asLong()).isGreaterThanOrEqualTo(500);
      // Keep-alive: a pool of connections, not one per request.
      assertThat(ok.at("/operations/ok").asLong()).isGreaterThan(100);

      JsonNode mixed = new WorkloadRun("--target", "http", "--urls",
          base + "/," + base + "/missing," + base + "/broken", "--mode", "read", "--threads", "1", "--rate", "90",
          "--duration-minutes", "0.05").runToEnd();
      assertThat(mixed.at("/driver/http_status/4xx").asLong()).isPositive();
      assertThat(mixed.at("/driver/http_status/5xx").asLong()).isPositive();
      assertThat(mixed.at("/exceptions/HTTP 404").asLong() + mixed.at("/exceptions/HTTP 503").asLong())
          .isEqualTo(mixed.at("/driver/http_status/4xx").asLong() + mixed.at("/driver/http_status/5xx").asLong());
      assertThat(mixed.at("/exceptions/HTTP 404").asLong()).isPositive();
      assertThat(mixed.at("/exceptions/HTTP 503").asLong()).isPositive();

      // One URL answers, one refuses connections: refusals are no_host, not status errors.
      JsonNode refused = new WorkloadRun("--target", "http", "--urls", base + "/,http://127.0.0.1:" + closedPort + "/",
          "--mode", "read", "--threads", "1", "--rate", "60", "--duration-minutes", "0.05").runToEnd();
      assertThat(refused.at("/errors/no_host").asLong()).isPositive();
      assertThat(refused.at("/errors/other").asLong()).isZero();
      assertThat(refused.at("/driver/http_status/2xx").asLong()).isPositive();
    }
  }
}
