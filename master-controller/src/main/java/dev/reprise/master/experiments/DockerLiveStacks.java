package dev.reprise.master.experiments;

import dev.reprise.master.swarm.DockerSwarmCluster;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;

/** {@link LiveStacks} over the manager's engine (docker-java, through {@link DockerSwarmCluster}). */
public final class DockerLiveStacks implements LiveStacks {
  private final DockerSwarmCluster cluster;

  public DockerLiveStacks(DockerSwarmCluster cluster) {
    this.cluster = cluster;
  }

  @Override
  public synchronized List<LiveService> services() {
    var out = new ArrayList<LiveService>();
    var nodes = new HashMap<String, String>();
    for (var s : cluster.liveServices()) {
      if (s.stack() == null) continue;
      var running = new ArrayList<LiveTask>();
      for (var t : cluster.tasks(s.name())) {
        if (!"running".equals(t.state()) || t.containerId() == null) continue;
        String node = t.nodeId() == null ? null : nodes.computeIfAbsent(t.nodeId(), cluster::nodeName);
        running.add(new LiveTask(t.id(), t.slot(), t.containerId(), node));
      }
      running.sort(Comparator.comparingInt(LiveTask::slot));
      out.add(new LiveService(s.name(), s.stack(), s.image(), s.global(), running));
    }
    return out;
  }
}
