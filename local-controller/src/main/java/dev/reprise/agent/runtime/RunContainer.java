package dev.reprise.agent.runtime;

import java.time.Instant;

/**
 * A swarm task container of a run, as the engine describes it.
 *
 * @param id the container ID (64 hex)
 * @param swarmService the swarm service name (label {@code com.docker.swarm.service.name})
 * @param slot the task slot, 1-based (from {@code com.docker.swarm.task.name = <service>.<slot>.<task>})
 * @param taskId the swarm task ID
 * @param nodeId the swarm node ID
 * @param image the image reference
 * @param running whether it runs now
 * @param pid the main process's PID on the host (0 when not running)
 * @param exitCode the exit code when it has ended
 * @param oomKilled whether the kernel's OOM killer ended it
 * @param created when the engine created it
 */
public record RunContainer(
    String id, String swarmService, int slot, String taskId, String nodeId, String image,
    boolean running, long pid, Integer exitCode, boolean oomKilled, Instant created) {

  /** The slot from a task name {@code <service>.<slot>.<taskid>}, or -1 when it has another form. */
  public static int slotOf(String taskName, String swarmService) {
    if (taskName == null || swarmService == null || !taskName.startsWith(swarmService + ".")) return -1;
    var rest = taskName.substring(swarmService.length() + 1);
    int dot = rest.indexOf('.');
    try {
      return Integer.parseInt(dot < 0 ? rest : rest.substring(0, dot));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** A short description for messages: {@code web.2 (3f2a9c1b04de, exited 137)}. */
  public String describe() {
    var state = running ? "running" : "exited " + exitCode + (oomKilled ? ", OOMKilled" : "");
    return swarmService + "." + slot + " (" + id.substring(0, Math.min(12, id.length())) + ", " + state + ")";
  }
}
