package dev.reprise.master.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.time.SystemTime;
import dev.reprise.master.swarm.DockerSwarmCluster;
import dev.reprise.master.swarm.StackDeployer;
import java.time.Duration;
import java.util.List;

/** The local Docker engine as the single-host ITs use it: with the offline hello image, stacks removed by name. */
public final class LocalEngine {
  /** The image every local IT scenario runs (images/hello/build.sh). */
  public static final String HELLO = "reprise/hello:latest";

  private LocalEngine() {}

  /** Connects to the local engine and checks that {@link #HELLO} is built (the ITs never pull). */
  public static DockerSwarmCluster connectWithHello() {
    var docker = DockerSwarmCluster.connect();
    assertThat(docker.hasImage(HELLO)).as(HELLO + " must be built first: images/hello/build.sh (scripts/build-images.sh)").isTrue();
    return docker;
  }

  /** Removes {@code stack} as the master does (waiting up to 60 s) and returns what could not be removed. */
  public static List<String> removeStack(DockerSwarmCluster docker, String stack) {
    return new StackDeployer(docker, SystemTime.INSTANCE).remove(stack, Duration.ofSeconds(60)).problems();
  }

  /** Asserts that nothing of {@code stack} is left: no service, network or container. */
  public static void assertStackGone(DockerSwarmCluster docker, String stack) {
    assertThat(docker.stackServices(stack)).as("services of " + stack).isEmpty();
    assertThat(docker.stackNetworks(stack)).as("networks of " + stack).isEmpty();
    assertThat(docker.stackContainers(stack)).as("containers of " + stack).isZero();
  }
}
