package dev.reprise.agent.inject.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reprise.agent.heal.UndoStep;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NetworkShaperTest {
  private static final NetworkCapabilities HERE = new NetworkCapabilities(false, true, true, true, true, true,
      Optional.of("/opt/helper"), null);
  private static final NetworkCapabilities NETEM = new NetworkCapabilities(true, true, true, true, true, true, Optional.empty(),
      "no helper");
  private static final NetworkCapabilities BARE = new NetworkCapabilities(false, false, false, false, false, true, Optional.empty(),
      "no helper binary for aarch64");

  private static PacketEffects delay(long ms) {
    return new PacketEffects(ms * 1000, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  }

  private static PacketEffects loss(double pct) {
    return new PacketEffects(0, 0, 0, pct, 0, 0, 0, 0, 0, 0);
  }

  private static PacketEffects rate(long bps) {
    return new PacketEffects(0, 0, 0, 0, 0, 0, 0, 0, 0, bps);
  }

  private static List<String> lines(List<List<String>> commands) {
    return commands.stream().map(c -> String.join(" ", c)).toList();
  }

  @Test
  void withoutNetemADelayQueuesTheSelectedPacketsToTheHelperAndUndoesExactlyItsChain() {
    var sel = new TrafficSelection(List.of("10.0.1.7"), List.of(9042), TrafficSelection.Direction.EGRESS);
    var plan = NetworkShaper.plan(HERE, "c1", 4242, () -> List.of("eth0"), delay(50), sel, 7, "reprise-burner/r/n/7/c1", 1000);

    assertThat(plan.mechanism()).isEqualTo("nfqueue");
    assertThat(plan.before()).isEmpty();
    assertThat(String.join(" ", plan.helperArgv())).isEqualTo("nsenter --target 4242 --net -- /opt/helper netem --queue 10007"
        + " --delay-us 50000 --mark 0x52505251 --until-epoch-ms 1000 --marker reprise-burner/r/n/7/c1");
    assertThat(String.join(" ", plan.iptablesArgv())).isEqualTo("nsenter --target 4242 --net -- iptables-restore -w --noflush");
    assertThat(plan.iptablesRules()).isEqualTo("""
        *filter
        :RPR-N7E - [0:0]
        -A RPR-N7E -d 10.0.1.7/32 -p tcp -m multiport --dports 9042 -m comment --comment reprise:7 -m mark ! --mark 0x52505251 -j NFQUEUE --queue-num 10007 --queue-bypass
        -A RPR-N7E -d 10.0.1.7/32 -p udp -m multiport --dports 9042 -m comment --comment reprise:7 -m mark ! --mark 0x52505251 -j NFQUEUE --queue-num 10007 --queue-bypass
        -I OUTPUT 1 -m comment --comment reprise:7 -j RPR-N7E
        COMMIT
        """);
    assertThat(plan.undo()).containsExactly(
        new UndoStep.HostCommand(List.of("nsenter", "--target", "4242", "--net", "--", "iptables", "-w", "-D", "OUTPUT", "-m", "comment",
            "--comment", "reprise:7", "-j", "RPR-N7E"), "c1", 4242L, ShapingPlan.ALREADY_GONE),
        new UndoStep.HostCommand(List.of("nsenter", "--target", "4242", "--net", "--", "iptables", "-w", "-F", "RPR-N7E"), "c1", 4242L,
            ShapingPlan.ALREADY_GONE),
        new UndoStep.HostCommand(List.of("nsenter", "--target", "4242", "--net", "--", "iptables", "-w", "-X", "RPR-N7E"), "c1", 4242L,
            ShapingPlan.ALREADY_GONE),
        new UndoStep.KillMarked("reprise-burner/r/n/7/c1"));
  }

  @Test
  void plainLossIsDroppedByTheHelperOnEgressAndByIptablesStatisticOnIngress() {
    var sel = new TrafficSelection(List.of(), List.of(), TrafficSelection.Direction.BOTH);
    var plan = NetworkShaper.plan(HERE, "c1", 9, () -> List.of("eth0", "eth1"), loss(10), sel, 3, "m", 1000);

    assertThat(plan.mechanism()).isEqualTo("nfqueue+iptables-statistic");
    assertThat(String.join(" ", plan.helperArgv())).contains("netem --queue 10003 --loss 10 ");
    assertThat(plan.iptablesRules().lines()).contains(
        "-A RPR-N3E -m comment --comment reprise:3 -m mark ! --mark 0x52505251 -j NFQUEUE --queue-num 10003 --queue-bypass",
        "-I OUTPUT 1 -m comment --comment reprise:3 -j RPR-N3E",
        "-A RPR-N3I -m comment --comment reprise:3 -m statistic --mode random --probability 0.1 -j DROP",
        "-I INPUT 1 -m comment --comment reprise:3 -j RPR-N3I");
    var noHelper = new NetworkCapabilities(false, true, false, true, true, true, Optional.empty(), "none");
    assertThat(NetworkShaper.plan(noHelper, "c1", 9, () -> List.of("eth0"), loss(10), sel, 3, "m", 1000).mechanism()).isEqualTo("iptables-statistic");
  }

  @Test
  void aRateLimitIsAnHtbClassOnEveryInterfaceAndAnIfbForIngress() {
    var sel = new TrafficSelection(List.of(), List.of(), TrafficSelection.Direction.BOTH);
    var plan = NetworkShaper.plan(HERE, "c1", 9, () -> List.of("eth0"), rate(1_000_000), sel, 4, "m", 1000);

    assertThat(plan.mechanism()).isEqualTo("htb+ifb");
    assertThat(lines(plan.before())).containsExactly(
        "nsenter --target 9 --net -- ip link add rpr4i0 type ifb",
        "nsenter --target 9 --net -- ip link set rpr4i0 up",
        "nsenter --target 9 --net -- tc qdisc add dev eth0 handle ffff: ingress",
        "nsenter --target 9 --net -- tc filter add dev eth0 parent ffff: protocol all u32 match u32 0 0 action mirred egress redirect dev rpr4i0",
        "nsenter --target 9 --net -- tc qdisc add dev eth0 root handle 1: htb default 1",
        "nsenter --target 9 --net -- tc class add dev eth0 parent 1: classid 1:1 htb rate 1000000bit ceil 1000000bit burst 3200 cburst 3200",
        "nsenter --target 9 --net -- tc qdisc add dev rpr4i0 root handle 1: htb default 1",
        "nsenter --target 9 --net -- tc class add dev rpr4i0 parent 1: classid 1:1 htb rate 1000000bit ceil 1000000bit burst 3200 cburst 3200");
    assertThat(plan.undo().stream().map(u -> String.join(" ", ((UndoStep.HostCommand) u).argv())).toList()).containsExactly(
        "nsenter --target 9 --net -- tc qdisc del dev eth0 root",
        "nsenter --target 9 --net -- tc qdisc del dev eth0 ingress",
        "nsenter --target 9 --net -- ip link del rpr4i0");
  }

  @Test
  void withNetemEveryEffectIsOneQdiscUnderAPrioBandWhenTrafficIsSelected() {
    var effects = new PacketEffects(50_000, 5_000, 25, 10, 0, 1, 2, 0, 0, 8_000_000);
    var sel = new TrafficSelection(List.of("10.0.0.2"), List.of(), TrafficSelection.Direction.EGRESS);
    var plan = NetworkShaper.plan(NETEM, "c1", 9, () -> List.of("eth0"), effects, sel, 5, "m", 1000);

    assertThat(plan.mechanism()).isEqualTo("netem");
    assertThat(lines(plan.before())).containsExactly(
        "nsenter --target 9 --net -- tc qdisc add dev eth0 root handle 1: prio bands 3 priomap 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0",
        "nsenter --target 9 --net -- tc qdisc add dev eth0 parent 1:3 handle 30: netem delay 50000us 5000us 25% loss random 10%"
            + " corrupt 1% duplicate 2% rate 8000000bit",
        "nsenter --target 9 --net -- tc filter add dev eth0 parent 1:0 protocol ip prio 1 u32 match ip dst 10.0.0.2/32 flowid 1:3");
    assertThat(plan.iptablesRules()).isNull();
  }

  @Test
  void whatNoMechanismCanApplyIsRefusedWithWhatIsMissing() {
    assertThatThrownBy(() -> NetworkShaper.plan(BARE, "c1", 9, () -> List.of("eth0"), delay(50), TrafficSelection.allEgress(), 1, "m", 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sch_netem")
        .hasMessageContaining("NFQUEUE target (missing)")
        .hasMessageContaining("no helper binary for aarch64");
    assertThatThrownBy(() -> NetworkShaper.plan(BARE, "c1", 9, () -> List.of("eth0"), rate(1000), TrafficSelection.allEgress(), 1, "m", 1))
        .hasMessageContaining("htb");
  }

  @Test
  void aPartitionDropsEveryPeerAddressBothWaysInChainsOfItsOwn() {
    var plan = PartitionRules.plan(HERE, "c1", 9, List.of("10.0.0.3", "10.0.0.4"), true, true, 8);

    assertThat(plan.mechanism()).isEqualTo("iptables");
    assertThat(plan.iptablesRules()).isEqualTo("""
        *filter
        :RPR-P8O - [0:0]
        :RPR-P8I - [0:0]
        -A RPR-P8O -d 10.0.0.3/32 -m comment --comment reprise:8 -j DROP
        -A RPR-P8O -d 10.0.0.4/32 -m comment --comment reprise:8 -j DROP
        -I OUTPUT 1 -m comment --comment reprise:8 -j RPR-P8O
        -A RPR-P8I -s 10.0.0.3/32 -m comment --comment reprise:8 -j DROP
        -A RPR-P8I -s 10.0.0.4/32 -m comment --comment reprise:8 -j DROP
        -I INPUT 1 -m comment --comment reprise:8 -j RPR-P8I
        COMMIT
        """);
    assertThat(plan.undo()).hasSize(6);
    var oneWay = PartitionRules.plan(HERE, "c1", 9, List.of("10.0.0.3"), true, false, 8);
    assertThat(oneWay.iptablesRules()).doesNotContain("INPUT");
  }

  @Test
  void linksAreReadWithoutLoopbackAndOurOwnIfbs() {
    assertThat(ShapingRunner.parseLinks("""
        1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/loopback
        57: eth0@if58: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UP mode DEFAULT group default\\    link/ether
        59: eth1@if60: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP
        61: rpr4i0: <BROADCAST,NOARP,UP,LOWER_UP> mtu 1500 qdisc htb state UNKNOWN
        """)).containsExactly("eth0", "eth1");
  }
}
