package dev.reprise.agent.inject;

import dev.reprise.agent.runtime.RuntimeFailure;
import dev.reprise.fdsl.model.CpuFault;
import java.util.ArrayList;

/**
 * {@code cpu}: starts {@code cores} busy-loop processes on the host, each moved into the target
 * container's cgroups (so the container's stats show the CPU and its limits apply), and kills them
 * after {@code duration} (journal TTL, from the action's planned instant) or at heal; each burner
 * also ends by itself at that instant, so a dead agent leaves none running past its fault. Burners carry
 * the marker {@code reprise-burner/<run>/<node>/<seq>/<container>}; heal kills the PIDs it started
 * and then any burner still carrying that marker.
 */
public final class CpuInjector implements Injector<CpuFault> {
  @Override
  public TargetResult apply(InjectionContext ctx, FaultApplication<CpuFault> application) {
    int seq = application.seq();
    var fault = application.fault();
    var c = application.target().container();
    if (!c.running() || c.pid() <= 0) throw new RuntimeFailure(c.describe() + " is not running");
    var marker = ctx.burnerMarker() + "/" + seq + "/" + c.id().substring(0, Math.min(12, c.id().length()));
    var pids = new ArrayList<Long>();
    var host = ctx.host();
    var healed = new boolean[1];
    // Registered before the first burner starts; a heal that comes while burners are still being
    // started kills those already started and every later one at once.
    ActiveFault burners = () -> {
      synchronized (pids) {
        if (healed[0]) return;
        healed[0] = true;
        pids.forEach(host::kill);
      }
      host.findMarked(marker).forEach(host::kill);
    };
    var planned = application.planned();
    var until = planned.plusMillis(fault.durationMillis());
    var end = until.isAfter(ctx.runEnd()) ? ctx.runEnd() : until;
    ctx.journal().register(application.journalKey(), burners, end);
    try {
      for (int i = 0; i < fault.cores(); i++) {
        // The burner ends itself at the fault's end even if this agent dies (counted from the plan).
        long pid = host.startBurner(c.pid(), marker, java.time.Duration.between(planned, end));
        synchronized (pids) {
          pids.add(pid);
          if (healed[0]) host.kill(pid);
        }
      }
    } catch (RuntimeException e) {
      burners.heal();
      throw e;
    }
    return TargetResult.OK;
  }
}
