package dev.reprise.master.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reprise.fdsl.ScenarioException;
import dev.reprise.master.orchestrator.DeployException;
import dev.reprise.time.ManualTime;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StackDeployerTest {
  private final FakeSwarmCluster swarm = new FakeSwarmCluster();
  private final ManualTime time = new ManualTime(Instant.parse("2026-01-01T00:00:00Z"));
  private final StackDeployer deployer = new StackDeployer(swarm, time);

  private StackSpec stack(String image, int replicas) throws ScenarioException {
    return new ComposeTranslator(Map.of()).translate(Path.of("c.yml"), """
        services:
          web:
            image: %s
          idle:
            image: reprise/hello:latest
        """.formatted(image), "st", Map.of("web", replicas)).stack();
  }

  @Test
  void deploysNetworksBeforeServicesAndWaitsForRunningTasks() throws Exception {
    var stack = stack("reprise/hello:latest", 2);
    deployer.deploy(stack);
    deployer.awaitRunning(stack, Duration.ofSeconds(5), () -> false);
    assertThat(swarm.calls).containsExactly("createNetwork st_default", "createService st_web replicas=2",
        "createService st_idle replicas=0");
  }

  @Test
  void missingImageIsDiagnosedWithTheBuildHint() throws Exception {
    var stack = stack("reprise/nosuch:latest", 1);
    deployer.deploy(stack);
    assertThatThrownBy(() -> deployer.awaitRunning(stack, Duration.ofSeconds(5), () -> false))
        .isInstanceOf(DeployException.class)
        .hasMessageContaining("service web (st_web): 0 of 1 running")
        .hasMessageContaining("task web.1: rejected: No such image: reprise/nosuch:latest")
        .hasMessageContaining("image reprise/nosuch:latest is not present on node box; build it (scripts/build-images.sh) or load it");
  }

  @Test
  void containerThatExitedIsDiagnosedWithExitCodeOomAndLogTail() throws Exception {
    var stack = stack("reprise/hello:latest", 1);
    swarm.exitAtStart.put("st_web", 137);
    swarm.oomKilled = true;
    deployer.deploy(stack);
    assertThatThrownBy(() -> deployer.awaitRunning(stack, Duration.ofSeconds(5), () -> false))
        .isInstanceOf(DeployException.class)
        .hasMessageContaining("the stack's initial containers did not all start")
        .hasMessageContaining("exit code 137")
        .hasMessageContaining("OOMKilled")
        .hasMessageContaining("| boom");
  }

  @Test
  void timeoutNamesTheServicesThatAreNotRunning() throws Exception {
    var stack = stack("reprise/hello:latest", 1);
    // never created: no task ever appears
    assertThatThrownBy(() -> deployer.awaitRunning(stack, Duration.ofSeconds(2), () -> false))
        .isInstanceOf(DeployException.class)
        .hasMessageContaining("not all running after 2 s")
        .hasMessageContaining("no task was created");
    assertThat(time.nanoTime()).isGreaterThanOrEqualTo(Duration.ofSeconds(2).toNanos());
  }

  @Test
  void removeTakesServicesThenNetworksRetryingBusyNetworks() throws Exception {
    var stack = stack("reprise/hello:latest", 1);
    deployer.deploy(stack);
    swarm.calls.clear();
    swarm.networkBusy = 2;
    var removal = deployer.remove("st", Duration.ofSeconds(10));
    assertThat(removal.problems()).isEmpty();
    assertThat(removal.services()).containsExactly("st_web", "st_idle");
    assertThat(removal.networks()).containsExactly("st_default");
    assertThat(swarm.calls).containsExactly("removeService st_web", "removeService st_idle",
        "removeNetwork st_default", "removeNetwork st_default", "removeNetwork st_default");
  }

  @Test
  void removeWaitsUntilTheEngineNoLongerListsARemovedNetwork() throws Exception {
    deployer.deploy(stack("reprise/hello:latest", 1));
    swarm.networkListedAfterRemove = 2;
    var removal = deployer.remove("st", Duration.ofSeconds(10));
    assertThat(removal.problems()).isEmpty();
    assertThat(removal.networks()).containsExactly("st_default");
    assertThat(swarm.stackNetworks("st")).isEmpty();
  }

  @Test
  void removeReportsANetworkStillListedAtTheDeadline() throws Exception {
    deployer.deploy(stack("reprise/hello:latest", 1));
    swarm.networkListedAfterRemove = 1_000_000;
    var removal = deployer.remove("st", Duration.ofSeconds(1));
    assertThat(removal.problems()).singleElement().asString().contains("network st_default").contains("still listed");
    assertThat(removal.networks()).isEmpty();
  }

  @Test
  void removeReportsWhatItCouldNotRemove() throws Exception {
    var stack = stack("reprise/hello:latest", 1);
    deployer.deploy(stack);
    swarm.networkBusy = 1000;
    var removal = deployer.remove("st", Duration.ofSeconds(1));
    assertThat(removal.problems()).singleElement().asString().contains("network st_default").contains("active endpoints");
  }

  @Test
  void removeTouchesOnlyItsOwnStack() throws Exception {
    deployer.deploy(stack("reprise/hello:latest", 1));
    var other = new ComposeTranslator(Map.of()).translate(Path.of("c.yml"), "services: {x: {image: reprise/hello:latest}}",
        "other", Map.of("x", 1)).stack();
    deployer.deploy(other);
    deployer.remove("st", Duration.ofSeconds(5));
    assertThat(swarm.services).containsOnlyKeys("other_x");
    assertThat(swarm.networks).containsOnlyKeys("other_default");
  }
}
