package dev.reprise.master.cluster;

import dev.reprise.agent.protocol.AgentMessage;
import dev.reprise.agent.protocol.MasterMessage;
import dev.reprise.master.testbed.Testbed;

import static dev.reprise.master.testbed.Testbed.agentJar;
import static dev.reprise.master.testbed.Testbed.cli;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.master.agentlink.AgentConnection;
import dev.reprise.master.cli.ClusterCommand;
import dev.reprise.master.cli.CollectCommand;
import dev.reprise.master.hosts.HostsFile;
import dev.reprise.master.hosts.HostsFileParser;
import dev.reprise.master.remote.SshAgent;
import dev.reprise.master.ssh.JschConnector;
import dev.reprise.master.ssh.RemoteHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a 3-host testbed (testbed/up 3, one for the class): master cluster down/up/status, ed25519
 * login, the known_hosts policy, shipping with checksum skip, the agent over an SSH exec channel,
 * master collect; testbed/down leaves nothing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
  static Path hostsPath;
  static HostsFile hosts;
  @TempDir static Path tmp;

  @BeforeAll
  static void up() throws Exception {
    hostsPath = Testbed.up(3);
    hosts = new HostsFileParser().parse(hostsPath);
  }

  @AfterAll
  static void down() throws Exception {
    Testbed.down(List.of());
    Testbed.run("testbed/down"); // safe to run twice
  }

  @Test
  @Order(1)
  void clusterDownThenUpCreatesTheSwarmAndStatusShowsThreeNodes() throws Exception {
    var down = cli(new ClusterCommand(), "down", "--hosts", hostsPath.toString());
    assertThat(down.exit()).as(down.err()).isZero();
    var inactive = cli(new ClusterCommand(), "status", "--hosts", hostsPath.toString());
    assertThat(inactive.out()).contains("swarm inactive").contains("no swarm on rpr-n1");

    Path faults = Files.createDirectories(tmp.resolve("faults"));
    Files.writeString(faults.resolve("slow.sh"), "#!/bin/sh\necho slow\n");
    Files.writeString(faults.resolve("fast.sh"), "#!/bin/sh\necho fast\n");
    var up = cli(new ClusterCommand(), "up", "--hosts", hostsPath.toString(), "--agent-jar", agentJar().toString(),
        "--faults", faults.toString());
    assertThat(up.exit()).as(up.err()).isZero();
    assertThat(up.out()).contains("rpr-n1: creating the swarm", "rpr-n2: joining the swarm", "rpr-n3: joining the swarm",
        "rpr-n2: shipped 3 file(s), 0 unchanged", "cluster up: 3 hosts");

    var status = cli(new ClusterCommand(), "status", "--hosts", hostsPath.toString());
    assertThat(status.exit()).as(status.err()).isZero();
    assertThat(status.out().lines().filter(l -> l.matches("\\s+rpr-n\\d Ready Active.*"))).hasSize(3);
    assertThat(status.out()).containsPattern("rpr-n1 .*swarm active +manager").containsPattern("rpr-n3 .*swarm active +worker");
    assertThat(status.out().lines().filter(l -> l.strip().startsWith("network faults: netem: ") && l.contains("nfqueue+helper: ")))
        .as("what each host offers the network faults, from its shipped agent jar:\n" + status.out()).hasSize(3);
  }

  @Test
  @Order(2)
  void shippingSkipsUnchangedFiles() throws Exception {
    Path faults = tmp.resolve("faults");
    Files.writeString(faults.resolve("fast.sh"), "#!/bin/sh\necho faster\n");
    var up = cli(new ClusterCommand(), "up", "--hosts", hostsPath.toString(), "--agent-jar", agentJar().toString(),
        "--faults", faults.toString());
    assertThat(up.exit()).as(up.err()).isZero();
    assertThat(up.out()).contains("rpr-n1: shipped 1 file(s), 2 unchanged", "rpr-n3: shipped 1 file(s), 2 unchanged")
        .doesNotContain("joining");
    try (var host = new JschConnector(hosts.knownHosts(), false).connect(hosts.hosts().get(2))) {
      var cat = host.exec("cat " + host.spec().workDir() + "/faults/fast.sh", Duration.ofSeconds(10));
      assertThat(cat.stdout()).contains("faster");
    }
  }

  @Test
  @Order(3)
  void ed25519KeyLoginWorks() throws Exception {
    assertThat(Files.readString(hosts.manager().privateKey())).contains("BEGIN OPENSSH PRIVATE KEY");
    assertThat(Files.readString(Path.of(hosts.manager().privateKey() + ".pub"))).startsWith("ssh-ed25519 ");
    try (RemoteHost host = new JschConnector(hosts.knownHosts(), false).connect(hosts.hosts().get(1))) {
      var r = host.exec("hostname; echo $DOCKER_HOST", Duration.ofSeconds(10));
      assertThat(r.exitCode()).isZero();
      assertThat(r.stdout()).startsWith("rpr-n2\n").contains("/rpr-tb/n2/docker.sock");
      assertThat(host.exec("exit 7", Duration.ofSeconds(10)).exitCode()).isEqualTo(7);
    }
  }

  @Test
  @Order(4)
  void unknownHostKeyIsRefusedUnlessAcceptedThenAdded() throws Exception {
    Path kh = tmp.resolve("kh-missing");
    Files.write(kh, Files.readAllLines(hosts.knownHosts()).stream().filter(l -> !l.startsWith("10.213.0.13 ")).toList());
    Path hf = withKnownHosts(kh);
    var refused = cli(new ClusterCommand(), "status", "--hosts", hf.toString());
    assertThat(refused.exit()).isEqualTo(3);
    assertThat(refused.err()).contains("rpr-n3: the host key of 10.213.0.13 (ssh-ed25519 SHA256:")
        .contains("is not in " + kh).contains("--accept-new-host-keys");
    assertThat(Files.readString(kh)).doesNotContain("10.213.0.13");

    var accepted = cli(new ClusterCommand(), "status", "--hosts", hf.toString(), "--accept-new-host-keys");
    assertThat(accepted.exit()).as(accepted.err()).isZero();
    assertThat(Files.readString(kh)).contains("10.213.0.13 ssh-ed25519 ");
    assertThat(cli(new ClusterCommand(), "status", "--hosts", hf.toString()).exit()).as("now known").isZero();
  }

  @Test
  @Order(5)
  void changedHostKeyIsRefusedEvenWithAcceptNew() throws Exception {
    Path kh = tmp.resolve("kh-changed");
    var lines = new ArrayList<String>();
    for (String l : Files.readAllLines(hosts.knownHosts())) {
      // another node's key under n2's address: a changed key
      lines.add(l.startsWith("10.213.0.12 ") ? "10.213.0.12 " + Files.readAllLines(hosts.knownHosts()).get(0).split(" ", 2)[1] : l);
    }
    Files.write(kh, lines);
    var refused = cli(new ClusterCommand(), "status", "--hosts", withKnownHosts(kh).toString(), "--accept-new-host-keys");
    assertThat(refused.exit()).isEqualTo(3);
    assertThat(refused.err()).contains("rpr-n2: the host key of 10.213.0.12 has CHANGED")
        .contains("ssh-keygen -R 10.213.0.12");
    assertThat(Files.readAllLines(kh)).isEqualTo(lines);
  }

  @Test
  @Order(6)
  void agentsStartOverSshAndAnswerHelloFromTheirHost() throws Exception {
    var ssh = new JschConnector(hosts.knownHosts(), false);
    for (var spec : hosts.hosts()) {
      try (var host = ssh.connect(spec)) {
        AgentConnection agent = SshAgent.start(host, Duration.ofSeconds(15));
        try {
          agent.send(new MasterMessage.Hello(1, "it-hello", spec.name()));
          AgentMessage.Hello hello = null;
          for (int i = 0; i < 60 && hello == null; i++) {
            var in = agent.poll(Duration.ofSeconds(1));
            if (in instanceof AgentConnection.Incoming.Message m && m.message() instanceof AgentMessage.Hello h) hello = h;
            if (in instanceof AgentConnection.Incoming.Closed c) throw new AssertionError("agent on " + spec.name() + " ended: " + c.cause());
          }
          assertThat(hello).as("hello from " + spec.name()).isNotNull();
          assertThat(hello.host()).isEqualTo(spec.name());
          assertThat(hello.nodeId()).isNotBlank();
        } finally {
          agent.close();
        }
        // EOF before arm: the agent ended, no java left on that channel
        String jar = spec.workDir() + "/agent/agent-all.jar";
        // [/] keeps the grep from matching its own command line
        var left = host.exec("ps -eo pid,args | grep -F -- '-jar " + jar + "' | grep -v grep || true", Duration.ofSeconds(10));
        assertThat(left.stdout()).isBlank();
      }
    }
  }

  @Test
  @Order(7)
  void collectPullsEveryHostsRecordsAndMergesThemInTimeOrder() throws Exception {
    String runId = "it-collect-20261123T100000";
    var ssh = new JschConnector(hosts.knownHosts(), false);
    int h = 0;
    for (var spec : hosts.hosts()) {
      try (var host = ssh.connect(spec)) {
        String dir = SshAgent.recordsDir(spec, runId);
        var lines = new StringBuilder();
        for (int s = 0; s < 5; s++) {
          lines.append("{\"kind\":\"action\",\"seq\":").append(s * 3 + h).append(",\"actual\":\"2026-11-23T10:00:")
              .append(String.format("%02d", s * 3 + h)).append(".000000Z\",\"host\":\"").append(spec.name()).append("\"}\n");
        }
        var r = host.exec("mkdir -p " + dir + "/logs && cat > " + dir + "/timeline.jsonl && echo '{\"time\":\"2026-11-23T10:00:0"
            + h + ".000000Z\",\"line\":\"x\"}' > " + dir + "/logs/web.0.jsonl", new java.io.ByteArrayInputStream(
                lines.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)), Duration.ofSeconds(10));
        assertThat(r.exitCode()).as(r.stderr()).isZero();
      }
      h++;
    }
    Path run = tmp.resolve("runs").resolve(runId);
    var collect = cli(new CollectCommand(), run.toString(), "--hosts", hostsPath.toString());
    assertThat(collect.exit()).as(collect.err()).isZero();
    assertThat(collect.out()).contains("rpr-n1: pulled 2 file(s)", "timeline.jsonl: 15 records merged");
    var timeline = Files.readAllLines(run.resolve("timeline.jsonl"));
    var seqs = timeline.stream().map(l -> Pattern.compile("\"seq\":(\\d+)").matcher(l)).filter(m -> m.find())
        .map(m -> Integer.parseInt(m.group(1))).toList();
    assertThat(seqs).isEqualTo(java.util.stream.IntStream.range(0, 15).boxed().toList());
    assertThat(timeline).anyMatch(l -> l.contains("rpr-n1")).anyMatch(l -> l.contains("rpr-n2")).anyMatch(l -> l.contains("rpr-n3"));
    assertThat(Files.readAllLines(run.resolve("logs/web.0.jsonl"))).hasSize(3).allMatch(l -> l.contains("\"host\":\"rpr-n"));
  }

  private static Path withKnownHosts(Path kh) throws Exception {
    Path hf = tmp.resolve("hosts-" + kh.getFileName() + ".yaml");
    List<String> lines = Files.readAllLines(hostsPath).stream()
        .map(l -> l.startsWith("known_hosts:") ? "known_hosts: " + kh : l).toList();
    Files.write(hf, lines);
    return hf;
  }
}
