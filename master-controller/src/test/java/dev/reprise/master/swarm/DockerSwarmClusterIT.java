package dev.reprise.master.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reprise.master.orchestrator.Orchestrator;
import dev.reprise.time.SystemTime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The docker-java adapter against the real engine: a stack translated from a compose file that
 * uses most honoured keys is accepted, runs, carries what the compose file said, and is removed.
 */
class DockerSwarmClusterIT {
  @TempDir Path tmp;

  private static JsonNode inspect(String kind, String name) throws IOException, InterruptedException {
    var p = new ProcessBuilder("docker", kind, "inspect", name).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    return new ObjectMapper().readTree(out).get(0);
  }

  @Test
  void translatedStackIsAcceptedRunsAsWrittenAndIsRemoved() throws Exception {
    String stack = "mc-it-swarm-" + UUID.randomUUID().toString().substring(0, 6);
    int octet = 100 + (int) (Math.random() * 150);
    Files.writeString(tmp.resolve("data.txt"), "mounted\n");
    String compose = """
        services:
          web:
            image: reprise/hello:latest
            entrypoint: ["/bin/sh", "-c", "cat /data/data.txt; exec sh /hello.sh"]
            environment: {HELLO_INTERVAL: "0.5", MODE: test}
            labels: {tier: front}
            hostname: web-host
            working_dir: /tmp
            stop_grace_period: 3s
            volumes:
              - .:/data:ro
            tmpfs: /scratch
            networks:
              back:
                aliases: [api]
            deploy:
              endpoint_mode: dnsrr
              labels: {owner: master-it}
              resources:
                limits: {cpus: "0.5", memory: 64M}
                reservations: {memory: 16M}
              placement:
                constraints: [node.role == manager]
            ports:
              - target: 8080
                mode: host
        networks:
          back:
            attachable: true
            ipam:
              config:
                - subnet: 10.251.%d.0/24
        """.formatted(octet);
    var spec = new ComposeTranslator(Map.of()).translate(tmp.resolve("docker-compose.yml"), compose, stack, Map.of("web", 1)).stack();
    try (var docker = DockerSwarmCluster.connect()) {
      var deployer = new StackDeployer(docker, SystemTime.INSTANCE);
      try {
        deployer.deploy(spec);
        deployer.awaitRunning(spec, Duration.ofSeconds(60), () -> false);

        var service = inspect("service", stack + "_web").get("Spec");
        assertThat(service.at("/Labels/com.docker.stack.namespace").asText()).isEqualTo(stack);
        assertThat(service.at("/Labels/owner").asText()).isEqualTo("master-it");
        assertThat(service.at("/Mode/Replicated/Replicas").asInt()).isEqualTo(1);
        assertThat(service.at("/TaskTemplate/RestartPolicy/Condition").asText()).isEqualTo("none");
        assertThat(service.at("/EndpointSpec/Mode").asText()).isEqualTo("dnsrr");
        assertThat(service.at("/EndpointSpec/Ports/0/PublishMode").asText()).isEqualTo("host");
        assertThat(service.at("/TaskTemplate/Resources/Limits/NanoCPUs").asLong()).isEqualTo(500_000_000L);
        assertThat(service.at("/TaskTemplate/Resources/Limits/MemoryBytes").asLong()).isEqualTo(64L << 20);
        assertThat(service.at("/TaskTemplate/Placement/Constraints/0").asText()).isEqualTo("node.role == manager");
        var container = service.at("/TaskTemplate/ContainerSpec");
        assertThat(container.at("/Hostname").asText()).isEqualTo("web-host");
        assertThat(container.at("/Dir").asText()).isEqualTo("/tmp");
        assertThat(container.at("/StopGracePeriod").asLong()).isEqualTo(3_000_000_000L);
        assertThat(container.at("/Labels/tier").asText()).isEqualTo("front");
        assertThat(container.get("Env").toString()).contains("HELLO_INTERVAL=0.5", "MODE=test");
        assertThat(container.at("/Mounts/0/Source").asText()).isEqualTo(tmp.toAbsolutePath().toString());
        assertThat(container.at("/Mounts/0/ReadOnly").asBoolean()).isTrue();
        assertThat(container.at("/Mounts/1/Type").asText()).isEqualTo("tmpfs");
        assertThat(service.at("/TaskTemplate/Networks/0/Aliases").toString()).contains("web", "api");

        var network = inspect("network", stack + "_back");
        assertThat(network.at("/Driver").asText()).isEqualTo("overlay");
        assertThat(network.at("/Attachable").asBoolean()).isTrue();
        assertThat(network.at("/IPAM/Config/0/Subnet").asText()).isEqualTo("10.251." + octet + ".0/24");

        var task = docker.tasks(stack + "_web").get(0);
        assertThat(task.state()).isEqualTo("running");
        assertThat(task.slot()).isEqualTo(1);
        assertThat(String.join("\n", docker.logTail(task.containerId(), 50))).contains("mounted");
      } finally {
        var removal = deployer.remove(stack, Duration.ofSeconds(60));
        assertThat(removal.problems()).isEmpty();
      }
      assertThat(docker.stackServices(stack)).isEmpty();
      assertThat(docker.stackNetworks(stack)).isEmpty();
      assertThat(docker.stackContainers(stack)).isZero();
    }
  }

  @Test
  void theOrchestratorPortDeploysScalesLocatesByFdslIdAndRemoves() throws Exception {
    String runId = "mc-it-port-" + UUID.randomUUID().toString().substring(0, 6);
    String compose = """
        services:
          web:
            image: reprise/hello:latest
            deploy: {endpoint_mode: dnsrr}
        """;
    try (var docker = DockerSwarmCluster.connect()) {
      var time = SystemTime.INSTANCE;
      Orchestrator orchestrator = new SwarmOrchestrator(docker, time, IpvsProbe.local(), Map.of());
      var cluster = orchestrator.prepare();
      assertThat(cluster.version()).isNotBlank();
      var stack = orchestrator.translate(tmp.resolve("docker-compose.yml"), compose, Map.of("web", 1)).stack().named(runId);
      try {
        orchestrator.deploy(stack);
        orchestrator.awaitInitialContainers(stack, Duration.ofSeconds(60), () -> false);
        var first = orchestrator.locate(runId, "web", 0).orElseThrow();
        assertThat(first.running()).isTrue();
        assertThat(first.node()).isEqualTo(cluster.hostname());
        assertThat(orchestrator.locate(runId, "web", 1)).isEmpty();

        orchestrator.scale(runId, "web", 2);
        long deadline = time.nanoTime() + Duration.ofSeconds(60).toNanos();
        Optional<Orchestrator.Placement> second = Optional.empty();
        while (time.nanoTime() < deadline) {
          second = orchestrator.locate(runId, "web", 1).filter(Orchestrator.Placement::running);
          if (second.isPresent()) break;
          time.sleep(Duration.ofMillis(250));
        }
        assertThat(second).as("FDSL ID 1 runs after the scale-up").isPresent();
        assertThat(second.get().containerId()).isNotEqualTo(first.containerId());
        assertThat(orchestrator.locate(runId, "web", 0)).contains(first);
      } finally {
        var removal = orchestrator.remove(runId, Duration.ofSeconds(60));
        assertThat(removal.problems()).isEmpty();
      }
      assertThat(docker.stackServices(runId)).isEmpty();
    }
  }
}
