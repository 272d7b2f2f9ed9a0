package dev.reprise.fdsl;

import static dev.reprise.fdsl.ScenarioParserTest.onlyEvent;
import static dev.reprise.fdsl.ScenarioParserTest.problems;
import static dev.reprise.fdsl.ScenarioParserTest.withEvents;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.fdsl.model.DiskFillFault;
import dev.reprise.fdsl.model.FaultSpec;
import dev.reprise.fdsl.model.IoFault;
import dev.reprise.fdsl.model.MemoryFault;
import dev.reprise.fdsl.model.NetworkFault;
import dev.reprise.fdsl.model.PartitionFault;
import dev.reprise.fdsl.model.PauseFault;
import dev.reprise.fdsl.model.PeerIds;
import dev.reprise.fdsl.model.RestartFault;
import dev.reprise.fdsl.model.ServiceEvent;
import dev.reprise.fdsl.model.Target;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * One test per rule of the network, partition, pause, restart, memory, disk_fill and io fault
 * types, each with its YAML inline. Problems are compared as "LINE:COL: message"; the compose file
 * defines {@code web} and {@code db}.
 */
class FaultParametersTest {
  private static final String AT = "events[1].moment.services.web[0].fault.";
  private static final long MIB = 1024 * 1024;

  /** The fault event of {@code fault: {target: {amount: 1}, <typeAndValue>}}. */
  static ServiceEvent.Fault event(String typeAndValue) {
    return (ServiceEvent.Fault) onlyEvent("- fault: {target: {amount: 1}, " + typeAndValue + "}");
  }

  static FaultSpec fault(String typeAndValue) {
    return event(typeAndValue).fault();
  }

  static List<String> problemsOf(String typeAndValue) {
    return problems(withEvents("- fault: {target: {amount: 1}, " + typeAndValue + "}"));
  }

  @Nested
  class Network {
    @Test void takesEveryEffectWithItsShortForm() {
      var f = (NetworkFault) fault("network: {duration: 30s, delay: 50ms, loss: 10%, corrupt: 1%, duplicate: 0.5, reorder: 25%, rate: 1mbit}");
      assertThat(f.durationMillis()).isEqualTo(30_000);
      assertThat(f.delay()).isEqualTo(new NetworkFault.Delay(50_000, 0, 0));
      assertThat(f.loss()).isEqualTo(new NetworkFault.Loss(10, 0));
      assertThat(f.corruptPercent()).isEqualTo(1.0);
      assertThat(f.duplicatePercent()).isEqualTo(0.5);
      assertThat(f.reorder()).isEqualTo(new NetworkFault.Reorder(25, 0));
      assertThat(f.rateBitsPerSecond()).isEqualTo(1_000_000L);
      assertThat(f.to()).isEmpty();
      assertThat(f.ports()).isEmpty();
      assertThat(f.direction()).isEqualTo(NetworkFault.Direction.EGRESS);
      assertThat(f.killsContainer()).isFalse();
      assertThat(f.label()).isEqualTo("network delay 50ms loss 10% corrupt 1% duplicate 0.5% reorder 25% rate 1mbit 30s");
    }

    @Test void takesTheLongFormsWithJitterAndCorrelations() {
      var f = (NetworkFault) fault("network: {duration: 30s, delay: {time: 50ms, jitter: 5ms, correlation: 25}, loss: {percent: 10, correlation: 25%},"
          + " reorder: {percent: 25, correlation: 50}}");
      assertThat(f.delay()).isEqualTo(new NetworkFault.Delay(50_000, 5_000, 25));
      assertThat(f.loss()).isEqualTo(new NetworkFault.Loss(10, 25));
      assertThat(f.reorder()).isEqualTo(new NetworkFault.Reorder(25, 50));
      assertThat(f.label()).isEqualTo("network delay 50ms±5ms loss 10% reorder 25% 30s");
    }

    @Test void delaysAreKeptToTheMicrosecond() {
      assertThat(((NetworkFault) fault("network: {duration: 1, delay: 1.5ms}")).delay().timeMicros()).isEqualTo(1_500);
      assertThat(((NetworkFault) fault("network: {duration: 1, delay: {time: 250us, jitter: 0.1ms}}")).delay())
          .isEqualTo(new NetworkFault.Delay(250, 100, 0));
      assertThat(((NetworkFault) fault("network: {duration: 1, delay: 0.002}")).delay().timeMicros()).isEqualTo(2_000);
      assertThat(fault("network: {duration: 1, delay: 1.5ms}").label()).isEqualTo("network delay 1.5ms 1s");
    }

    @Test void ratesTakeTcsUnitsBitsOrBytes() {
      assertThat(((NetworkFault) fault("network: {duration: 1, rate: 500kbit}")).rateBitsPerSecond()).isEqualTo(500_000L);
      assertThat(((NetworkFault) fault("network: {duration: 1, rate: 2gbit}")).rateBitsPerSecond()).isEqualTo(2_000_000_000L);
      assertThat(((NetworkFault) fault("network: {duration: 1, rate: 10mbps}")).rateBitsPerSecond()).isEqualTo(80_000_000L);
      assertThat(((NetworkFault) fault("network: {duration: 1, rate: 100bit}")).rateBitsPerSecond()).isEqualTo(100L);
      assertThat(fault("network: {duration: 1, rate: 10mbps}").label()).isEqualTo("network rate 80mbit 1s");
    }

    @Test void toNamesContainersByServiceAndBecomesTheToGroup() {
      var e = event("network: {duration: 30s, loss: 1%, to: {db: [1, 0], web: all}, ports: [9160, 9042], direction: both}");
      var f = (NetworkFault) e.fault();
      assertThat(f.to()).containsExactly(Map.entry("db", PeerIds.of(List.of(0, 1))), Map.entry("web", PeerIds.ALL));
      assertThat(f.ports()).containsExactly(9042, 9160);
      assertThat(f.direction()).isEqualTo(NetworkFault.Direction.BOTH);
      assertThat(e.groups()).containsOnlyKeys(NetworkFault.TO_GROUP);
      var to = e.groups().get(NetworkFault.TO_GROUP);
      assertThat(to).containsOnlyKeys("db", "web");
      assertThat(((Target.Specific) to.get("db")).ids()).containsExactly(1, 0);
      assertThat(to.get("web")).isEqualTo(new Target.All(false, to.get("web").pos(), AT + "network.to.web"));
    }

    @Test void withoutToThereIsNoGroup() {
      assertThat(event("network: {duration: 30s, loss: 1%}").groups()).isEmpty();
    }

    @Test void needsADuration() {
      assertThat(problemsOf("network: {delay: 50ms}"))
          .containsExactly("8:51: " + AT + "network: missing 'duration' (seconds, or a duration such as 30s)");
    }

    @Test void needsAtLeastOneEffect() {
      assertThat(problemsOf("network: {duration: 30s, to: {web: all}}"))
          .containsExactly("8:51: " + AT + "network: give at least one of delay, loss, corrupt, duplicate, reorder, rate");
    }

    @Test void misspeltKeysAreSuggested() {
      assertThat(problemsOf("network: {duration: 30s, loss: 1%, dleay: 5ms}"))
          .containsExactly("8:77: " + AT + "network.dleay: unknown key 'dleay' (did you mean 'delay'?)");
      assertThat(problemsOf("network: {duration: 30s, delay: {time: 5ms, jiter: 5ms}}"))
          .containsExactly("8:86: " + AT + "network.delay.jiter: unknown key 'jiter' (did you mean 'jitter'?)");
    }

    @Test void delayIsPositive() {
      assertThat(problemsOf("network: {duration: 30s, delay: 0ms}")).containsExactly("8:74: " + AT + "network.delay: must be > 0");
    }

    @Test void delayIsADuration() {
      assertThat(problemsOf("network: {duration: 30s, delay: fast}")).containsExactly("8:74: " + AT
          + "network.delay: 'fast' is not a duration: write units (50ms, 1.5ms, 250us, 1s) or seconds (0.05)");
    }

    @Test void theLongDelayNeedsItsTime() {
      assertThat(problemsOf("network: {duration: 30s, delay: {jitter: 5ms}}"))
          .containsExactly("8:74: " + AT + "network.delay: missing 'time' (the mean delay, such as 50ms)");
    }

    @Test void correlationsArePercentages() {
      assertThat(problemsOf("network: {duration: 30s, delay: {time: 5ms, correlation: 101}}"))
          .containsExactly("8:99: " + AT + "network.delay.correlation: 101% is out of range: must be between 0 and 100");
    }

    @Test void percentagesAreAbove0AndAtMost100() {
      assertThat(problemsOf("network: {duration: 30s, loss: 120%}"))
          .containsExactly("8:73: " + AT + "network.loss: 120% is out of range: must be > 0 and at most 100");
      assertThat(problemsOf("network: {duration: 30s, loss: 0}"))
          .containsExactly("8:73: " + AT + "network.loss: 0% is out of range: must be > 0 and at most 100");
      assertThat(problemsOf("network: {duration: 30s, corrupt: -1%}"))
          .containsExactly("8:76: " + AT + "network.corrupt: -1% is out of range: must be > 0 and at most 100");
    }

    @Test void percentagesAreNumbers() {
      assertThat(problemsOf("network: {duration: 30s, loss: lots}"))
          .containsExactly("8:73: " + AT + "network.loss: 'lots' is not a percentage: write e.g. 10%, 0.5% or 10");
    }

    @Test void theLongLossNeedsItsPercent() {
      assertThat(problemsOf("network: {duration: 30s, loss: {correlation: 5}}"))
          .containsExactly("8:73: " + AT + "network.loss: missing 'percent' (of packets, such as 10%)");
    }

    @Test void reorderNeedsADelay() {
      assertThat(problemsOf("network: {duration: 30s, reorder: 25%}")).containsExactly("8:76: " + AT
          + "network.reorder: needs a 'delay' (netem reorders by sending some packets at once, ahead of the delayed ones)");
    }

    @Test void rateNeedsAUnit() {
      String units = "write a number with a unit, as tc does: bit, kbit, mbit, gbit (bits per second) or bps, kbps, mbps, gbps"
          + " (bytes per second), e.g. 1mbit, 500kbit";
      assertThat(problemsOf("network: {duration: 30s, rate: 100}")).containsExactly("8:73: " + AT + "network.rate: '100' is not a bandwidth: " + units);
      assertThat(problemsOf("network: {duration: 30s, rate: 1mb}")).containsExactly("8:73: " + AT + "network.rate: '1mb' is not a bandwidth: " + units);
    }

    @Test void rateIsPositive() {
      assertThat(problemsOf("network: {duration: 30s, rate: 0kbit}")).containsExactly("8:73: " + AT + "network.rate: must be > 0");
    }

    @Test void toServicesMustBeInTheComposeFile() {
      assertThat(problemsOf("network: {duration: 30s, loss: 1%, to: {wbe: all}}"))
          .containsExactly("8:82: " + AT + "network.to.wbe: service 'wbe' is not in the compose file (did you mean 'web'?)");
    }

    @Test void toTakesAllOrIds() {
      assertThat(problemsOf("network: {duration: 30s, loss: 1%, to: {web: al}}"))
          .containsExactly("8:87: " + AT + "network.to.web: expected 'all' or a list of container IDs, got 'al' (did you mean 'all'?)");
      assertThat(problemsOf("network: {duration: 30s, loss: 1%, to: {web: []}}"))
          .containsExactly("8:87: " + AT + "network.to.web: empty list; name at least one container");
      assertThat(problemsOf("network: {duration: 30s, loss: 1%, to: {web: [1, 1]}}"))
          .containsExactly("8:91: " + AT + "network.to.web[1]: container 1 is listed twice");
    }

    @Test void toIsNotEmpty() {
      assertThat(problemsOf("network: {duration: 30s, loss: 1%, to: {}}"))
          .containsExactly("8:81: " + AT + "network.to: empty; name at least one service with 'all' or a list of container IDs");
    }

    @Test void portsAreTcpUdpPorts() {
      assertThat(problemsOf("network: {duration: 30s, loss: 1%, ports: [0, 70000]}")).containsExactly(
          "8:85: " + AT + "network.ports[0]: 0 is out of range: must be between 1 and 65535",
          "8:88: " + AT + "network.ports[1]: 70000 is out of range: must be between 1 and 65535");
    }

    @Test void misspeltDirectionIsSuggested() {
      assertThat(problemsOf("network: {duration: 30s, loss: 1%, direction: egres}"))
          .containsExactly("8:88: " + AT + "network.direction: unknown value 'egres' (did you mean 'egress'?)");
    }
  }

  @Nested
  class Partition {
    @Test void defaultsToEveryOtherContainerBothWays() {
      var e = event("partition: {duration: 20s}");
      var f = (PartitionFault) e.fault();
      assertThat(f.durationMillis()).isEqualTo(20_000);
      assertThat(f.peers()).isEmpty();
      assertThat(f.direction()).isEqualTo(PartitionFault.Direction.BOTH);
      assertThat(f.label()).isEqualTo("partition 20s");
      assertThat(f.killsContainer()).isFalse();
      var peers = e.groups().get(PartitionFault.PEERS_GROUP);
      assertThat(peers).containsOnlyKeys(ServiceEvent.Fault.EVERY_SERVICE);
      assertThat(((Target.All) peers.get(ServiceEvent.Fault.EVERY_SERVICE)).exceptFaultTargets()).isTrue();
    }

    @Test void namedPeersBecomeThePeersGroup() {
      var e = event("partition: {duration: 20s, peers: {db: [2], web: all}, direction: incoming}");
      var f = (PartitionFault) e.fault();
      assertThat(f.peers()).containsExactly(Map.entry("db", PeerIds.of(List.of(2))), Map.entry("web", PeerIds.ALL));
      assertThat(f.direction()).isEqualTo(PartitionFault.Direction.INCOMING);
      var peers = e.groups().get(PartitionFault.PEERS_GROUP);
      assertThat(((Target.Specific) peers.get("db")).ids()).containsExactly(2);
      assertThat(((Target.All) peers.get("web")).exceptFaultTargets()).isTrue();
    }

    @Test void needsADuration() {
      assertThat(problemsOf("partition: {peers: {db: all}}"))
          .containsExactly("8:53: " + AT + "partition: missing 'duration' (seconds, or a duration such as 30s)");
    }

    @Test void peerServicesMustBeInTheComposeFile() {
      assertThat(problemsOf("partition: {duration: 1, peers: {dbb: all}}"))
          .containsExactly("8:75: " + AT + "partition.peers.dbb: service 'dbb' is not in the compose file (did you mean 'db'?)");
    }

    @Test void misspeltDirectionIsSuggested() {
      assertThat(problemsOf("partition: {duration: 20s, direction: outgoin}"))
          .containsExactly("8:80: " + AT + "partition.direction: unknown value 'outgoin' (did you mean 'outgoing'?)");
    }
  }

  @Nested
  class Pause {
    @Test void takesADurationOrAMappingWithOne() {
      assertThat(fault("pause: 10s")).isEqualTo(new PauseFault(10_000));
      assertThat(fault("pause: {duration: 1m}")).isEqualTo(new PauseFault(60_000));
      assertThat(fault("pause: 10s").label()).isEqualTo("pause 10s");
      assertThat(fault("pause: 10s").killsContainer()).isFalse();
    }

    @Test void needsADuration() {
      assertThat(problemsOf("pause: ")).containsExactly("8:48: " + AT + "pause: missing the duration (write pause: 10s, or pause: {duration: 10s})");
      assertThat(problemsOf("pause: {duraton: 1}")).containsExactly(
          "8:50: " + AT + "pause.duraton: unknown key 'duraton' (did you mean 'duration'?)",
          "8:49: " + AT + "pause: missing 'duration' (seconds, or a duration such as 30s)");
    }

    @Test void durationIsPositive() {
      assertThat(problemsOf("pause: 0")).containsExactly("8:49: " + AT + "pause: must be > 0");
    }

    @Test void durationIsADuration() {
      assertThat(problemsOf("pause: soon"))
          .containsExactly("8:49: " + AT + "pause: 'soon' is not a duration: write seconds (90, 1.5) or units (1m30s, 250ms, 2h)");
    }
  }

  @Nested
  class Restart {
    @Test void takesNothingForAnImmediateRestart() {
      var f = (RestartFault) fault("restart: ");
      assertThat(f).isEqualTo(new RestartFault(0, null));
      assertThat(f.durationMillis()).isZero();
      assertThat(f.label()).isEqualTo("restart");
      assertThat(fault("restart: {}")).isEqualTo(f);
      assertThat(f.killsContainer()).isFalse();
    }

    @Test void takesADownTimeAndAGracePeriod() {
      var f = (RestartFault) fault("restart: {duration: 5s, grace: 10s}");
      assertThat(f).isEqualTo(new RestartFault(5_000, 10_000L));
      assertThat(f.durationMillis()).isEqualTo(5_000);
      assertThat(f.label()).isEqualTo("restart down 5s");
    }

    @Test void timesAreNonNegativeDurations() {
      assertThat(problemsOf("restart: {duration: -1, grace: x}")).containsExactly(
          "8:62: " + AT + "restart.duration: must be >= 0, got -1",
          "8:73: " + AT + "restart.grace: 'x' is not a duration: write seconds (90, 1.5) or units (1m30s, 250ms, 2h)");
    }

    @Test void aBareDurationIsExplained() {
      assertThat(problemsOf("restart: 5s")).containsExactly("8:51: " + AT
          + "restart: expected nothing (restart:) or a mapping with 'duration' (the time stopped) and 'grace', got '5s'");
    }
  }

  @Nested
  class Memory {
    @Test void takesASizeAndAnOptionalRate() {
      var f = (MemoryFault) fault("memory: {duration: 30s, size: 512MiB, rate: 64MiB/s}");
      assertThat(f).isEqualTo(new MemoryFault(30_000, 512 * MIB, 64 * MIB));
      assertThat(f.label()).isEqualTo("memory 512MiB 30s");
      assertThat(f.killsContainer()).isFalse();
      assertThat(((MemoryFault) fault("memory: {duration: 30s, size: 1GiB}")).rateBytesPerSecond()).isNull();
    }

    @Test void sizesTakeBinaryAndDecimalUnitsAndABareNumberIsMib() {
      assertThat(((MemoryFault) fault("memory: {duration: 1, size: 256}")).sizeBytes()).isEqualTo(256 * MIB);
      assertThat(((MemoryFault) fault("memory: {duration: 1, size: 1.5GiB}")).sizeBytes()).isEqualTo(1536 * MIB);
      assertThat(((MemoryFault) fault("memory: {duration: 1, size: 2GB}")).sizeBytes()).isEqualTo(2_000_000_000L);
      assertThat(((MemoryFault) fault("memory: {duration: 1, size: 64KiB}")).sizeBytes()).isEqualTo(65_536L);
      assertThat(((MemoryFault) fault("memory: {duration: 1, size: 100MB, rate: 10}")).rateBytesPerSecond()).isEqualTo(10 * MIB);
      assertThat(fault("memory: {duration: 1, size: 2GB}").label()).isEqualTo("memory 2GB 1s");
    }

    @Test void needsASize() {
      assertThat(problemsOf("memory: {duration: 30s}"))
          .containsExactly("8:50: " + AT + "memory: missing 'size' (how much memory to hold, such as 512MiB or 1GiB)");
    }

    @Test void sizeAndRateNeedKnownUnits() {
      assertThat(problemsOf("memory: {duration: 30s, size: 5 parsecs, rate: fast}")).containsExactly(
          "8:72: " + AT + "memory.size: '5 parsecs' is not a size: write a number with a unit (512MiB, 1GiB, 64KiB, 1GB, 4096B) or a number of MiB",
          "8:89: " + AT + "memory.rate: 'fast' is not a rate: write a size per second (64MiB/s, 1GiB/s, 500KB/s) or a number of MiB/s");
    }

    @Test void sizeIsPositive() {
      assertThat(problemsOf("memory: {duration: 30s, size: 0}")).containsExactly("8:72: " + AT + "memory.size: must be > 0");
    }

    @Test void needsADuration() {
      assertThat(problemsOf("memory: {size: 1GiB}"))
          .containsExactly("8:50: " + AT + "memory: missing 'duration' (seconds, or a duration such as 30s)");
    }
  }

  @Nested
  class DiskFill {
    @Test void takesAPathAndASize() {
      var f = (DiskFillFault) fault("disk_fill: {duration: 30s, path: /var/lib/cassandra, size: 1GiB}");
      assertThat(f).isEqualTo(new DiskFillFault(30_000, "/var/lib/cassandra", 1024 * MIB, null));
      assertThat(f.label()).isEqualTo("disk_fill 1GiB /var/lib/cassandra 30s");
      assertThat(f.killsContainer()).isFalse();
    }

    @Test void orAPercentageOfItsFileSystem() {
      var f = (DiskFillFault) fault("disk_fill: {duration: 30s, path: /data, percent: 90}");
      assertThat(f).isEqualTo(new DiskFillFault(30_000, "/data", null, 90.0));
      assertThat(f.label()).isEqualTo("disk_fill 90% /data 30s");
    }

    @Test void needsExactlyOneOfSizeAndPercent() {
      assertThat(problemsOf("disk_fill: {duration: 30s, path: /data}")).containsExactly("8:53: " + AT
          + "disk_fill: missing 'size' or 'percent' (how much to write, such as 1GiB, or how full the file system is to be, such as 90)");
      assertThat(problemsOf("disk_fill: {duration: 30s, path: /data, size: 1GiB, percent: 90}"))
          .containsExactly("8:103: " + AT + "disk_fill: give exactly one of size and percent; found both");
    }

    @Test void needsAnAbsolutePath() {
      assertThat(problemsOf("disk_fill: {duration: 30s, size: 1GiB}"))
          .containsExactly("8:53: " + AT + "disk_fill: missing 'path' (the directory inside the container to fill, such as /var/lib/cassandra)");
      assertThat(problemsOf("disk_fill: {duration: 30s, path: data, size: 1GiB}"))
          .containsExactly("8:75: " + AT + "disk_fill.path: 'data' must be an absolute path inside the container (starting with /)");
      assertThat(problemsOf("disk_fill: {duration: 30s, path: /data/../etc, size: 1GiB}"))
          .containsExactly("8:75: " + AT + "disk_fill.path: '/data/../etc' must not contain '..'");
    }

    @Test void percentIsAbove0() {
      assertThat(problemsOf("disk_fill: {duration: 30s, path: /data, percent: 0}"))
          .containsExactly("8:91: " + AT + "disk_fill.percent: 0% is out of range: must be > 0 and at most 100");
    }
  }

  @Nested
  class Io {
    @Test void takesAPathAModeWorkersAndASize() {
      var f = (IoFault) fault("io: {duration: 30s, path: /data, mode: write, workers: 2, size: 64MiB}");
      assertThat(f).isEqualTo(new IoFault(30_000, "/data", IoFault.Mode.WRITE, 2, 64 * MIB));
      assertThat(f.label()).isEqualTo("io write x2 /data 30s");
      assertThat(f.killsContainer()).isFalse();
    }

    @Test void defaultsToOneReadWriteWorkerOf64Mib() {
      assertThat(fault("io: {duration: 30s, path: /data}")).isEqualTo(new IoFault(30_000, "/data", IoFault.Mode.READWRITE, 1, 64 * MIB));
    }

    @Test void needsAPath() {
      assertThat(problemsOf("io: {duration: 30s}"))
          .containsExactly("8:46: " + AT + "io: missing 'path' (the directory inside the container to read and write in, such as /data)");
    }

    @Test void modeWorkersAndSizeAreChecked() {
      assertThat(problemsOf("io: {duration: 30s, path: /data, mode: wrte, workers: 65, size: 0}")).containsExactly(
          "8:81: " + AT + "io.mode: unknown value 'wrte' (did you mean 'write'?)",
          "8:96: " + AT + "io.workers: 65 is out of range: must be between 1 and 64",
          "8:106: " + AT + "io.size: must be > 0");
    }
  }
}
