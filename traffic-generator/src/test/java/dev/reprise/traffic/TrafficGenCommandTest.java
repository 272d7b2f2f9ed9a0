package dev.reprise.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TrafficGenCommandTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final List<TrafficOptions> runs = new ArrayList<>();

  private int run(String... args) {
    return TrafficGenCommand.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), o -> {
          runs.add(o);
          return 0;
        });
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void validArgumentsReachTheRunnerWithDefaults() {
    int code = run("--hosts", "tasks.cassandra,10.0.0.5:9043", "--mode", "MIXED", "--threads", "4", "--rate", "1000",
        "--duration-minutes", "0.5", "--log", "/tmp/x.json", "--storm", "--read-ratio", "0.9");
    assertThat(code).isZero();
    assertThat(err()).isEmpty();
    TrafficOptions o = runs.get(0);
    assertThat(o.hosts()).containsExactly(new HostAndPort("tasks.cassandra", 9042), new HostAndPort("10.0.0.5", 9043));
    assertThat(o.mode()).isEqualTo(Mode.MIXED);
    assertThat(o.duration()).contains(Duration.ofSeconds(30));
    assertThat(o.storm()).isTrue();
    assertThat(o.leak()).isFalse();
    assertThat(o.readRatio()).isEqualTo(0.9);
    assertThat(o.consistency()).isEqualTo("ONE");
    assertThat(o.clusterTimeout()).isEqualTo(Duration.ofMillis(5000));
    assertThat(o.replication().cql()).isEqualTo("{'class': 'SimpleStrategy', 'replication_factor': 1}");
    assertThat(o.log()).contains(java.nio.file.Path.of("/tmp/x.json"));
  }

  @Test
  void withoutDurationItRunsUntilStopped() {
    assertThat(run("--hosts", "h", "--mode", "read", "--threads", "1", "--rate", "1")).isZero();
    assertThat(runs.get(0).duration()).isEqualTo(Optional.empty());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "missing hosts      | --mode read --threads 1 --rate 10                          | Missing required option: '--hosts",
      "missing mode       | --hosts h --threads 1 --rate 10                            | Missing required option: '--mode",
      "unknown mode       | --hosts h --mode scan --threads 1 --rate 10                | --mode",
      "zero rate          | --hosts h --mode read --threads 1 --rate 0                 | --rate must be at least 1",
      "rate below threads | --hosts h --mode read --threads 8 --rate 4                 | must be at least --threads",
      "text rate          | --hosts h --mode read --threads 1 --rate fast              | --rate",
      "bad port           | --hosts h:99999 --mode read --threads 1 --rate 10          | --hosts: port 99999 of h is not in 1..65535",
      "port not a number  | --hosts h:x --mode read --threads 1 --rate 10              | port 'x' is not a number",
      "read ratio         | --hosts h --mode mixed --threads 1 --rate 10 --read-ratio 2 | --read-ratio must be in 0..1",
      "consistency        | --hosts h --mode read --threads 1 --rate 10 --consistency SOME | --consistency 'SOME' is not one of",
      "replication        | --hosts h --mode read --threads 1 --rate 10 --replication dc1=3 | --replication: 'dc1=3' is neither",
      "duration           | --hosts h --mode read --threads 1 --rate 10 --duration-minutes -1 | --duration-minutes must be positive",
      "keyspace           | --hosts h --mode read --threads 1 --rate 10 --keyspace 1bad | --keyspace '1bad' is not a valid keyspace name",
      "timeout            | --hosts h --mode read --threads 1 --rate 10 --cluster-timeout 0 | --cluster-timeout must be at least 10 ms",
      "unknown option     | --hosts h --mode read --threads 1 --rate 10 --turbo        | Unknown option: '--turbo'",
      "metrics port       | --hosts h --mode read --threads 1 --rate 10 --metrics-port 70000 | --metrics-port must be in 0..65535, got 70000",
      "bind without port  | --hosts h --mode read --threads 1 --rate 10 --metrics-bind 127.0.0.1 | --metrics-bind needs --metrics-port",
      "unknown target     | --target mongo --hosts h --mode read --threads 1 --rate 10 | --target",
      "http without hosts | --target http --mode read --threads 1 --rate 10           | give --hosts or --urls",
      "http hosts and urls | --target http --hosts h --urls http://h/ --mode read --threads 1 --rate 10 | not both",
      "bad url            | --target http --urls ftp://h/ --mode read --threads 1 --rate 10 | is not an http:// or https:// URL",
      "urls for redis     | --target redis --hosts h --urls http://h/ --mode read --threads 1 --rate 10 | --urls is for --target http",
      "redis both         | --target redis --hosts h --sentinels s --mode read --threads 1 --rate 10 | not both",
      "no rate, open loop | --hosts h --mode read --threads 1                          | or give --closed-loop",
      "verify http        | --target http --hosts h --mode write --threads 1 --rate 10 --verify-writes | --verify-writes is for --target redis or cassandra",
      "verify amplified   | --hosts h --mode write --threads 1 --rate 10 --verify-writes --amplification | do not go together",
      "amplification http | --target http --hosts h --mode read --threads 1 --rate 10 --amplification | --amplification is for --target cassandra",
  })
  void badArgumentsExitWithTwoAndSayWhy(String name, String args, String message) {
    int code = run(args.trim().split("\\s+"));
    assertThat(code).as(name).isEqualTo(2);
    assertThat(runs).as("the generator must not start").isEmpty();
    assertThat(err()).startsWith("traffic-gen: ").contains(message.trim()).contains("--help");
    assertThat(out.toString(StandardCharsets.UTF_8)).as("stdout carries only JSON lines").isEmpty();
  }

  @Test
  void targetsTakeTheirOwnDefaultPortsAndClosedLoopNeedsNoRate() {
    assertThat(run("--target", "redis", "--hosts", "r1,r2:7000", "--mode", "write", "--threads", "4", "--closed-loop",
        "--verify-writes")).isZero();
    TrafficOptions o = runs.get(0);
    assertThat(o.target().kind()).isEqualTo(TargetKind.REDIS);
    assertThat(o.hosts()).extracting(HostAndPort::toString).containsExactly("r1:6379", "r2:7000");
    assertThat(o.closedLoop()).isTrue();
    assertThat(o.verifyWrites()).isTrue();
    assertThat(run("--target", "redis", "--sentinels", "s1,s2:5000", "--master-name", "m", "--mode", "mixed",
        "--threads", "1", "--rate", "10")).isZero();
    assertThat(runs.get(1).target().sentinels()).extracting(HostAndPort::toString).containsExactly("s1:26379", "s2:5000");
    assertThat(run("--target", "http", "--hosts", "tasks.web", "--path", "/x", "--mode", "read", "--threads", "1",
        "--rate", "10")).isZero();
    assertThat(runs.get(2).hosts()).extracting(HostAndPort::toString).containsExactly("tasks.web:80");
    assertThat(run("--hosts", "c", "--port", "9000", "--mode", "read", "--threads", "1", "--rate", "10")).isZero();
    assertThat(runs.get(3).hosts()).extracting(HostAndPort::toString).containsExactly("c:9000");
    assertThat(runs.get(3).target().kind()).isEqualTo(TargetKind.CASSANDRA);
  }

  @Test
  void metricsAreServedOnEveryInterfaceByDefaultWhenAPortIsGiven() {
    assertThat(run("--hosts", "h", "--mode", "read", "--threads", "1", "--rate", "1")).isZero();
    assertThat(runs.get(0).metrics()).isEmpty();
    assertThat(runs.get(0).asMap()).containsEntry("metrics", null);
    assertThat(run("--hosts", "h", "--mode", "read", "--threads", "1", "--rate", "1", "--metrics-port", "9464")).isZero();
    assertThat(runs.get(1).metrics()).contains(new TrafficOptions.MetricsEndpoint("0.0.0.0", 9464));
    assertThat(runs.get(1).asMap()).containsEntry("metrics", "0.0.0.0:9464");
    assertThat(run("--hosts", "h", "--mode", "read", "--threads", "1", "--rate", "1", "--metrics-port", "0",
        "--metrics-bind", "127.0.0.1")).isZero();
    assertThat(runs.get(2).metrics()).contains(new TrafficOptions.MetricsEndpoint("127.0.0.1", 0));
  }

  @Test
  void replicationAcceptsDatacenterFactors() {
    assertThat(run("--hosts", "h", "--mode", "read", "--threads", "1", "--rate", "1", "--replication", "dc2:2,dc1:3"))
        .isZero();
    assertThat(runs.get(0).replication().cql())
        .isEqualTo("{'class': 'NetworkTopologyStrategy', 'dc1': 3, 'dc2': 2}");
  }

  @Test
  void helpExitsZero() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("--hosts").contains("--amplification");
    assertThat(runs).isEmpty();
  }
}
