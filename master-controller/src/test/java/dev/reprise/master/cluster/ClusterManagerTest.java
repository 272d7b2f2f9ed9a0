package dev.reprise.master.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reprise.master.hosts.HostsFile;
import dev.reprise.master.ssh.ExecResult;
import dev.reprise.master.ssh.FakeRemoteHost;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterManagerTest {
  final FakeRemoteHost m = new FakeRemoteHost("m", "/w");
  final FakeRemoteHost w = new FakeRemoteHost("w", "/w");
  final ByteArrayOutputStream out = new ByteArrayOutputStream();

  ClusterManager manager() {
    var hosts = new HostsFile(Path.of("hosts.yaml"), List.of(m.spec(), w.spec()), Path.of("kh"), null);
    var fakes = Map.of("m", m, "w", w);
    LocalImages none = new LocalImages() {
      @Override
      public String id(String image) {
        return "sha256:local";
      }

      @Override
      public InputStream save(String image) {
        return InputStream.nullInputStream();
      }
    };
    return new ClusterManager(hosts, spec -> fakes.get(spec.name()), none, new PrintStream(out, true));
  }

  static ExecResult ok(String stdout) {
    return new ExecResult(0, stdout, "");
  }

  @Test
  void upCreatesTheSwarmOnTheFirstHostAndJoinsTheOthers() throws Exception {
    int[] inits = {0};
    m.answers.put("docker info", c -> ok(inits[0] == 0 ? "m|20.10|inactive||false|\n" : "m|20.10|active|NODE-M|true|CL1\n"));
    m.answers.put("docker swarm init", c -> {
      inits[0]++;
      return ok("");
    });
    m.answers.put("docker swarm join-token", c -> ok("TOKEN-1\n"));
    m.answers.put("docker node ls -q", c -> ok("NODE-M\n"));
    w.answers.put("docker info", c -> ok("w|20.10|inactive||false|\n"));
    m.answers.put("docker image inspect", c -> ok("sha256:local\n"));
    w.answers.put("docker image inspect", c -> new ExecResult(1, "", "No such image"));
    try (var cm = manager()) {
      var report = cm.up(null, null, List.of("app:1"));
      assertThat(report.loadedImages()).isEqualTo(Map.of("m", List.of(), "w", List.of("app:1")));
    }
    assertThat(m.calls).contains("exec docker swarm init --advertise-addr m.example");
    assertThat(w.calls).contains("exec docker swarm join --token TOKEN-1 --advertise-addr w.example m.example:2377",
        "exec docker load -q <input 0 bytes>");
    assertThat(out.toString()).contains("m: creating the swarm", "w: joining the swarm", "w: loading image app:1");
  }

  @Test
  void aWorkerOfAnotherSwarmIsRefusedWithAHint() {
    m.answers.put("docker info", c -> ok("m|20.10|active|NODE-M|true|CL1\n"));
    m.answers.put("docker swarm join-token", c -> ok("TOKEN-1\n"));
    m.answers.put("docker node ls -q", c -> ok("NODE-M\n"));
    w.answers.put("docker info", c -> ok("w|20.10|active|NODE-X|false|\n"));
    try (var cm = manager()) {
      assertThatThrownBy(() -> cm.up(null, null, List.of())).isInstanceOf(HostOperationException.class)
          .hasMessageContaining("w: already in another swarm (node NODE-X, not in CL1); run 'docker swarm leave --force' there first");
    }
  }

  @Test
  void aHostWithoutDockerIsAnEnvironmentProblemNamingTheHost() {
    m.answers.put("docker info", c -> ok("m|20.10|active|NODE-M|true|CL1\n"));
    w.answers.put("docker info", c -> new ExecResult(127, "", "sh: docker: not found"));
    try (var cm = manager()) {
      assertThatThrownBy(cm::status).isInstanceOfSatisfying(HostOperationException.class, e -> {
        assertThat(e.environment()).isTrue();
        assertThat(e.problems()).containsExactly("w: Docker does not answer there (exit 127: sh: docker: not found); "
            + "install Docker and start it, and let root use it");
      });
    }
  }

  @Test
  void downMakesWorkersLeaveBeforeTheManager() throws IOException, HostOperationException {
    m.answers.put("docker info", c -> ok("m|20.10|active|NODE-M|true|CL1\n"));
    w.answers.put("docker info", c -> ok("w|20.10|active|NODE-W|false|\n"));
    try (var cm = manager()) {
      cm.down();
    }
    assertThat(w.calls).contains("exec docker swarm leave --force");
    assertThat(m.calls).contains("exec docker swarm leave --force");
    assertThat(out.toString()).containsSubsequence("w: leaving the swarm", "m: leaving the swarm");
  }
}
