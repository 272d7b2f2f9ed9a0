package dev.reprise.agent.inject;

import dev.reprise.agent.heal.UndoStep;
import dev.reprise.agent.runtime.HostOps;
import dev.reprise.agent.runtime.RuntimeFailure;
import dev.reprise.fdsl.model.MemoryFault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code memory}: starts the agent's native helper ({@code reprise-fault-helper memory --mib N
 * [--rate-mib-per-s R]}) in every cgroup of the target container ({@link HostOps#startHelper}: it
 * joins them before it allocates, so the memory is charged to the container and its limit applies;
 * the container may be OOM-killed, which is the fault's point), holding {@code size} (rounded up to
 * whole MiB) for {@code duration} from the action's planned instant; it is killed at that TTL or at
 * heal, and ends by itself then anyway. The kill of every process carrying its marker
 * ({@code reprise-burner/<run>/<node>/<seq>/<container>}) is in the on-disk heal journal before the
 * helper starts ({@link UndoStep.KillMarked}). Mechanism {@value #MECHANISM}.
 */
public final class MemoryInjector implements Injector<MemoryFault> {
  static final String MECHANISM = "cgroup-helper";
  static final long MIB = 1024L * 1024;

  @Override
  public TargetResult apply(InjectionContext ctx, FaultApplication<MemoryFault> application) {
    var c = Lasting.running(application);
    var fault = application.fault();
    var marker = Lasting.marker(ctx, application);
    var end = Lasting.end(ctx, application, fault.durationMillis());
    var key = application.journalKey();
    var host = ctx.host();
    var pid = new long[1];
    ActiveFault killStarted = () -> {
      long p;
      synchronized (pid) {
        p = pid[0];
        pid[0] = -1;
      }
      if (p > 0) host.kill(p);
    };
    ctx.journal().registerDurable(key, MECHANISM, List.of(new UndoStep.KillMarked(marker)), killStarted, end);
    try {
      long started = host.startHelper(args(fault), c.pid(), marker, Duration.between(application.planned(), end));
      synchronized (pid) {
        if (pid[0] == 0) {
          pid[0] = started;
          started = 0;
        }
      }
      // healed while it started: the heal's KillMarked may have looked before it existed
      if (started != 0) host.kill(started);
    } catch (RuntimeFailure e) {
      ctx.journal().withdraw(key);
      throw e;
    }
    return TargetResult.okBy(MECHANISM);
  }

  /** {@code memory --mib N [--rate-mib-per-s R]}: the size rounded up to whole MiB, the rate in MiB/s (a decimal). */
  static List<String> args(MemoryFault fault) {
    var args = new ArrayList<>(List.of("memory", "--mib", Long.toString(ceilMib(fault.sizeBytes()))));
    if (fault.rateBytesPerSecond() != null) {
      args.add("--rate-mib-per-s");
      args.add(java.math.BigDecimal.valueOf(fault.rateBytesPerSecond()).divide(java.math.BigDecimal.valueOf(MIB), 6,
          java.math.RoundingMode.UP).stripTrailingZeros().toPlainString());
    }
    return args;
  }

  static long ceilMib(long bytes) {
    return Math.max(1, (bytes + MIB - 1) / MIB);
  }
}
