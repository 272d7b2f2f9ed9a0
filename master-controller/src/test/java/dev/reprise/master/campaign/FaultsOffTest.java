package dev.reprise.master.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.fdsl.ScenarioLoader;
import dev.reprise.fdsl.plan.FaultAction;
import dev.reprise.fdsl.plan.MarkAction;
import dev.reprise.fdsl.plan.PlannedAction;
import dev.reprise.fdsl.plan.StartAction;
import dev.reprise.fdsl.plan.StopAction;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FaultsOffTest {
  static final Path HELLO = Path.of("..", "examples", "hello", "scenario.yaml");

  @Test void removesEveryFaultKeepsMarksStartsAndStopsRenumbered() throws Exception {
    var plan = ScenarioLoader.load(HELLO, null).plan(null);
    var off = FaultsOff.of(plan);
    assertThat(off.actions()).noneMatch(a -> a instanceof FaultAction);
    assertThat(off.actions()).extracting(PlannedAction::action).containsExactly(
        plan.actions().stream().filter(a -> !(a instanceof FaultAction)).map(PlannedAction::action).toArray(String[]::new));
    assertThat(off.actions()).extracting(PlannedAction::seq).containsExactlyElementsOf(IntStream.range(0, off.actions().size()).boxed().toList());
    assertThat(off.actions()).anyMatch(a -> a instanceof MarkAction).anyMatch(a -> a instanceof StartAction)
        .anyMatch(a -> a instanceof StopAction);
    assertThat(off.endMillis()).isEqualTo(plan.endMillis());
    assertThat(off.seed()).isEqualTo(plan.seed());
    // hello: 3 containers, the kill of 2 is gone, one start (id 3), a stop of 0: 1, 2, 3 alive at the end
    assertThat(off.alive().get(off.alive().size() - 1).alive().get("hello")).containsExactly(1, 2, 3);
    assertThat(PreparedRun.planHash(off)).isNotEqualTo(PreparedRun.planHash(plan));
  }
}
