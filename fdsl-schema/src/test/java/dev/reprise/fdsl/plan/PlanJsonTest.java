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
}
