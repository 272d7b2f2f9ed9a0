package dev.reprise.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class WorkloadTest {

  @Test
  void theSameSeedGivesTheSameKeySequence() {
    Workload a = new Workload(Mode.MIXED, 0.5, 1_000_000, 42);
    Workload b = new Workload(Mode.MIXED, 0.5, 1_000_000, 42);
    for (long i = 0; i < 1000; i++) {
      assertThat(a.operation(i, 0)).isEqualTo(b.operation(i, 0));
    }
  }

  @Test
  void anotherSeedGivesAnotherSequence() {
    Workload a = new Workload(Mode.WRITE, 0, 1_000_000, 1);
    Workload b = new Workload(Mode.WRITE, 0, 1_000_000, 2);
    long same = LongStream.range(0, 1000).filter(i -> a.operation(i, 0).key() == b.operation(i, 0).key()).count();
    assertThat(same).isLessThan(5);
  }

  @Test
  void keysStayInRangeAndMixedHonoursTheReadRatio() {
    Workload w = new Workload(Mode.MIXED, 0.8, 50, 3);
    long reads = 0;
    for (long i = 0; i < 10_000; i++) {
      Operation op = w.operation(i, i);
      assertThat(op.key()).isBetween(0L, 49L);
      assertThat(op.intendedNanos()).isEqualTo(i);
      reads += op.kind() == OpKind.READ ? 1 : 0;
    }
    assertThat(reads).isBetween(7_700L, 8_300L);
  }

  @Test
  void readAndWriteModesIssueOnlyTheirKind() {
    assertThat(LongStream.range(0, 100).mapToObj(i -> new Workload(Mode.READ, 0, 10, 1).operation(i, 0).kind()))
        .containsOnly(OpKind.READ);
    assertThat(LongStream.range(0, 100).mapToObj(i -> new Workload(Mode.WRITE, 1, 10, 1).operation(i, 0).kind()))
        .containsOnly(OpKind.WRITE);
  }
}
