package dev.reprise.agent.inject;

import dev.reprise.agent.heal.UndoStep;
import dev.reprise.agent.runtime.HostOps;
import dev.reprise.agent.runtime.RuntimeFailure;
import dev.reprise.fdsl.model.IoFault;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code io}: starts {@code workers} native helper processes ({@code reprise-fault-helper io --path
 * DIR --mode read|write|readwrite --size-mib N}) in every cgroup of the target container
 * ({@link HostOps#startHelper}, so the container's block I/O accounting and limits apply), each
 * writing and/or reading its own file of {@code size} (rounded up to whole MiB) over and over in a
 * folder of its own, {@code <path>/.reprise-io-<seq>-<worker>/}, reached through the host path of
 * the container's file system ({@code /proc/<pid>/root/...}). They are killed at the TTL
 * ({@code duration} from the planned instant, never after the run's end) or at heal, and end by
 * themselves then anyway. In the on-disk heal journal before the first one starts: the kill of every
 * process carrying the application's marker ({@link UndoStep.KillMarked}), then the deletion of each
 * worker's folder with its file ({@link UndoStep.DeleteFile}; a killed helper cannot delete its file
 * itself). The workers start one after another, each watched a moment for an immediate failure
 * ({@link HostOps#startHelper}): with many workers the last starts a fraction of a second after the
 * first. Mechanism {@value #MECHANISM}.
 */
public final class IoInjector implements Injector<IoFault> {
  static final String MECHANISM = "cgroup-helper";

  @Override
  public TargetResult apply(InjectionContext ctx, FaultApplication<IoFault> application) {
    var c = Lasting.running(application);
    var fault = application.fault();
    var host = ctx.host();
    var dir = host.containerPath(c.pid(), fault.path());
    if (!Files.isDirectory(dir)) {
      throw new RuntimeFailure(fault.path() + " is not a directory in " + c.describe() + " (" + dir + ")");
    }
    var marker = Lasting.marker(ctx, application);
    var end = Lasting.end(ctx, application, fault.durationMillis());
    var folders = new ArrayList<Path>();
    var undo = new ArrayList<UndoStep>();
    undo.add(new UndoStep.KillMarked(marker));
    for (int i = 0; i < fault.workers(); i++) {
      var folder = dir.resolve(".reprise-io-" + application.seq() + "-" + i);
      folders.add(folder);
      undo.add(new UndoStep.DeleteFile(folder.toString(), c.id(), c.pid()));
    }
    var pids = new ArrayList<Long>();
    var healed = new boolean[1];
    ActiveFault killStarted = () -> {
      synchronized (pids) {
        if (healed[0]) return;
        healed[0] = true;
        pids.forEach(host::kill);
      }
    };
    var key = application.journalKey();
    ctx.journal().registerDurable(key, MECHANISM, undo, killStarted, end);
    try {
      for (int i = 0; i < folders.size(); i++) {
        try {
          Files.createDirectories(folders.get(i));
        } catch (IOException e) {
          throw new RuntimeFailure("cannot create " + folders.get(i) + " in " + c.describe() + ": " + e.getMessage(), e);
        }
        long pid = host.startHelper(args(fault, folders.get(i)), c.pid(), marker + "/" + i, Duration.between(application.planned(), end));
        synchronized (pids) {
          pids.add(pid);
          if (healed[0]) host.kill(pid);
        }
      }
    } catch (RuntimeFailure e) {
      ctx.journal().withdraw(key);
      throw e;
    }
    return TargetResult.okBy(MECHANISM);
  }

  /** {@code io --path <folder> --mode <mode> --size-mib N}, the size rounded up to whole MiB. */
  static List<String> args(IoFault fault, Path folder) {
    return List.of("io", "--path", folder.toString(), "--mode", fault.mode().word(), "--size-mib",
        Long.toString(MemoryInjector.ceilMib(fault.sizeBytes())));
  }
}
