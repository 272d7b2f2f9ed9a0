package dev.reprise.master.experiments;

import java.util.List;
import java.util.Optional;

/**
 * The services that run on the swarm now, whoever deployed them: what an ad-hoc experiment attaches
 * to. The docker-java adapter is {@link DockerLiveStacks}; tests use a hand-written fake.
 *
 * <p>Throws {@code OrchestratorException} when the engine refuses or cannot be reached.
 */
public interface LiveStacks {

  /** Every service of a stack (labelled {@code com.docker.stack.namespace}), in name order, with its running tasks. */
  List<LiveService> services();

  /**
   * A service as it runs.
   *
   * @param name its Swarm name ({@code stack_service})
   * @param stack its stack
   * @param image the image its tasks run (without a digest)
   * @param global whether it is a global service (FDSL IDs need replicated task slots)
   * @param running its running tasks, in slot order
   */
  record LiveService(String name, String stack, String image, boolean global, List<LiveTask> running) {
    public LiveService {
      running = List.copyOf(running);
    }

    /** The service's name within its stack ({@code web} of {@code shop_web}): its FDSL (compose) name. */
    public String shortName() {
      return name.startsWith(stack + "_") ? name.substring(stack.length() + 1) : name;
    }

    /** The running task of FDSL ID {@code id} (slot {@code id + 1}). */
    public Optional<LiveTask> task(int id) {
      return running.stream().filter(t -> t.slot() == id + 1).findFirst();
    }
  }

  /**
   * A running task and its container.
   *
   * @param taskId the Swarm task ID
   * @param slot its slot (FDSL ID = slot − 1)
   * @param containerId its container
   * @param node the host name of the node it runs on
   */
  record LiveTask(String taskId, int slot, String containerId, String node) {
    /** The container's name as Swarm gives it: {@code stack_service.slot.taskid}. */
    public String podName(String service) {
      return service + "." + slot + "." + taskId;
    }
  }
}
