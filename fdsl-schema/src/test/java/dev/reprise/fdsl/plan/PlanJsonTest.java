package dev.reprise.fdsl.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.fdsl.model.CpuFault;
import dev.reprise.fdsl.model.CustomFault;
import dev.reprise.fdsl.model.KillFault;
import dev.reprise.fdsl.model.SignalFault;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class PlanJsonTest {

  private static Plan samplePlan() {
    return new Plan(
        789,
        60_000,
        new TreeMap<>(Map.of("web", 3, "db", 1)),
        List.of(
            new MarkAction(0, 0, 5_000, "warm"),
            new FaultAction(1, 0, 5_000, "web", List.of(2), new KillFault()),
            new FaultAction(2, 1, 10_000, "web", List.of(0), new SignalFault("SIGUSR1", false)),
            new FaultAction(3, 1, 10_000, "web", List.of(1), new CpuFault(3_000, 2)),
            new FaultAction(4, 2, 20_000, "db", List.of(0),
                new CustomFault(false, "x.sh", null, List.of("a"), null, List.of())),
            new StopAction(5, 3, 30_000, "web", List.of(0)),
            new StartAction(6, 3, 30_000, "web", List.of(3, 4))),
        List.of(new AliveSnapshot(-1, 0, new TreeMap<>(Map.of("web", List.of(0, 1, 2), "db", List.of(0))))));
  }

  @Test
  void roundTripsEveryActionAndFaultType() {
    var plan = samplePlan();
    assertThat(PlanJson.read(PlanJson.write(plan))).isEqualTo(plan);
  }

  @Test
  void namesKindsByTypeNameNotClassName() {
    String json = PlanJson.write(samplePlan());
    assertThat(json).contains("\"action\":\"fault\"", "\"type\":\"cpu\"", "\"type\":\"custom\"", "\"action\":\"mark\"")
        .doesNotContain("dev.reprise");
  }

  @Test
  void isCanonical() {
    assertThat(PlanJson.write(samplePlan())).isEqualTo(PlanJson.write(samplePlan()));
    assertThat(PlanJson.write(samplePlan())).contains("\"beginning\":{\"db\":1,\"web\":3}");
  }

  @Test
  void planBytesOfFaultsWithoutGroupsAreUnchanged() {
    // Pinned: a plan written before target groups existed must keep its bytes.
    assertThat(PlanJson.write(new Plan(1, 10_000, new TreeMap<>(Map.of("web", 2)),
        List.of(new FaultAction(0, 0, 5_000, "web", List.of(1), new CpuFault(3_000, 2))), List.of())))
        .isEqualTo("{\"seed\":1,\"endMillis\":10000,\"beginning\":{\"web\":2},\"actions\":[{\"action\":\"fault\",\"seq\":0,"
            + "\"moment\":0,\"offsetMillis\":5000,\"service\":\"web\",\"ids\":[1],\"fault\":{\"type\":\"cpu\",\"durationMillis\":3000,"
            + "\"cores\":2}}],\"alive\":[]}");
  }

  @Test
  void targetGroupsRoundTripSortedAndOnlyWhenPresent() {
    var groups = new TreeMap<String, java.util.SortedMap<String, List<Integer>>>(Map.of(
        "right", new TreeMap<>(Map.of("db", List.of(1, 0))),
        "left", new TreeMap<>(Map.of("web", List.of(2), "api", List.of(0)))));
    var grouped = new FaultAction(0, 0, 5_000, "web", List.of(2), new CpuFault(1_000, 1), groups);
    var plan = new Plan(1, 10_000, new TreeMap<>(Map.of("web", 3, "db", 2, "api", 1)), List.of(grouped), List.of());
    String json = PlanJson.write(plan);
    assertThat(json).contains("\"groups\":{\"left\":{\"api\":[0],\"web\":[2]},\"right\":{\"db\":[0,1]}}");
    assertThat(PlanJson.read(json)).isEqualTo(plan);
    assertThat(((FaultAction) PlanJson.read(json).actions().get(0)).groups().get("right").get("db")).containsExactly(0, 1);
  }
}
