package dev.reprise.agent.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Where a process's cgroups live: parses {@code /proc/<pid>/cgroup} and resolves each line to the
 * {@code cgroup.procs} file a PID is written into to join that cgroup. Handles cgroup v2
 * ({@code 0::/path} under a unified root), v1 ({@code 4:cpu,cpuacct:/docker/<id>} with one mount per
 * controller set, e.g. {@code /sys/fs/cgroup/cpu,cpuacct}) and the hybrid layout
 * ({@code /sys/fs/cgroup/unified}).
 */
public final class CgroupPaths {
  private CgroupPaths() {}

  /**
   * @param procCgroup the text of {@code /proc/<pid>/cgroup}
   * @param root the cgroup file system root, normally {@code /sys/fs/cgroup}
   * @return the existing {@code cgroup.procs} files, v1 CPU controllers first
   */
  public static List<Path> procsFiles(String procCgroup, Path root) {
    var cpuFirst = new ArrayList<Path>();
    var rest = new LinkedHashSet<Path>();
    boolean unifiedRoot = Files.exists(root.resolve("cgroup.controllers"));
    for (var line : procCgroup.split("\n")) {
      var parts = line.strip().split(":", 3);
      if (parts.length < 3) continue;
      var controllers = parts[1];
      var rel = parts[2].startsWith("/") ? parts[2].substring(1) : parts[2];
      Path dir = null;
      if (controllers.isEmpty()) {
        dir = (unifiedRoot ? root : root.resolve("unified")).resolve(rel);
      } else {
        var mountName = controllers.startsWith("name=") ? controllers.substring(5) : controllers;
        for (var candidate : candidates(mountName)) {
          if (Files.isDirectory(root.resolve(candidate))) {
            dir = root.resolve(candidate).resolve(rel);
            break;
          }
        }
      }
      if (dir == null) continue;
      var procs = dir.resolve("cgroup.procs");
      if (!Files.exists(procs)) continue;
      if (controllers.contains("cpu")) cpuFirst.add(procs);
      else rest.add(procs);
    }
    cpuFirst.addAll(rest);
    return List.copyOf(new LinkedHashSet<>(cpuFirst));
  }

  private static List<String> candidates(String controllers) {
    var list = new ArrayList<String>();
    list.add(controllers);
    for (var c : controllers.split(",")) list.add(c);
    return list;
  }
}
