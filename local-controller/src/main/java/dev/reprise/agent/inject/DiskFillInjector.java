package dev.reprise.agent.inject;

import dev.reprise.agent.heal.UndoStep;
import dev.reprise.agent.runtime.RuntimeFailure;
import dev.reprise.fdsl.model.DiskFillFault;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * {@code disk_fill}: writes the filler file {@code <path>/.reprise-fill-<seq>} inside the target
 * container, through the host path of its file system ({@code /proc/<pid>/root/...}, so the image
 * needs no tool), with real bytes (1 MiB chunks of incompressible data, never sparse, synced), until
 * {@code size} bytes are written or, for {@code percent}, until the file system of {@code path} is
 * that full as {@code df} counts it (used / (used + available)). A full file system before that is
 * the fault working: what was written is kept and the result's output says so. The file is deleted
 * at the TTL ({@code duration} from the planned instant, never after the run's end) or at heal; the
 * deletion is in the on-disk heal journal before the first byte is written
 * ({@link UndoStep.DeleteFile}, guarded by the container's ID and main PID). Writing happens in
 * {@code apply}, which returns when the file is complete. Mechanism {@value #MECHANISM}.
 */
public final class DiskFillInjector implements Injector<DiskFillFault> {
  static final String MECHANISM = "filler-file";
  static final int CHUNK = 1024 * 1024;

  @Override
  public TargetResult apply(InjectionContext ctx, FaultApplication<DiskFillFault> application) {
    var c = Lasting.running(application);
    var fault = application.fault();
    var dir = ctx.host().containerPath(c.pid(), fault.path());
    if (!Files.isDirectory(dir)) {
      throw new RuntimeFailure(fault.path() + " is not a directory in " + c.describe() + " (" + dir + ")");
    }
    var file = dir.resolve(".reprise-fill-" + application.seq());
    long wanted = fault.sizeBytes() != null ? fault.sizeBytes() : bytesToReach(fault.percent(), usage(ctx, dir));
    var key = application.journalKey();
    var healed = new java.util.concurrent.atomic.AtomicBoolean();
    ActiveFault stopWriting = () -> healed.set(true);
    ctx.journal().registerDurable(key, MECHANISM, List.of(new UndoStep.DeleteFile(file.toString(), c.id(), c.pid())), stopWriting,
        Lasting.end(ctx, application, fault.durationMillis()));
    long written = 0;
    String full = null;
    try (var out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      var chunk = new byte[CHUNK];
      new Random(application.seq()).nextBytes(chunk);
      var buffer = ByteBuffer.wrap(chunk);
      try {
        while (written < wanted && !healed.get()) {
          buffer.clear().limit((int) Math.min(CHUNK, wanted - written));
          while (buffer.hasRemaining()) written += out.write(buffer);
        }
        out.force(false);
      } catch (IOException e) {
        if (!noSpace(e)) throw e;
        full = e.getMessage();
      }
    } catch (IOException e) {
      ctx.journal().withdraw(key);
      throw new RuntimeFailure("cannot write " + file + " in " + c.describe() + ": " + e.getMessage(), e);
    }
    if (healed.get()) deleteQuietly(file); // healed while writing: the heal's delete may have come first
    var output = new StringBuilder(String.format(Locale.ROOT, "wrote %s to %s/%s", mib(written), fault.path().replaceAll("/+$", ""),
        file.getFileName()));
    if (fault.percent() != null) output.append(String.format(Locale.ROOT, " to reach %s%% used", fault.percent()));
    if (full != null) output.append(String.format(Locale.ROOT, "; the file system was full after %s of %s (%s)", mib(written), mib(wanted), full));
    if (healed.get()) output.append("; healed while writing, deleted");
    return new Injector.TargetResult(null, output.toString(), Outcome.OK, MECHANISM);
  }

  /** A file system's size as {@code statvfs} counts it, in bytes. */
  record Usage(long total, long free, long available) {}

  /**
   * How many bytes to write so that the file system is {@code percent} % used as {@code df} counts
   * it: used = total − free, use% = used / (used + available); 0 when it already is.
   */
  static long bytesToReach(double percent, Usage u) {
    long used = u.total() - u.free();
    double target = percent / 100.0 * (used + u.available());
    return Math.max(0, (long) Math.ceil(target - used));
  }

  /** {@code dir}'s file system usage: the JDK's FileStore, else {@code stat -f} (the JDK finds no mount entry for some container roots). */
  static Usage usage(InjectionContext ctx, Path dir) {
    try {
      var store = Files.getFileStore(dir);
      return new Usage(store.getTotalSpace(), store.getUnallocatedSpace(), store.getUsableSpace());
    } catch (IOException e) {
      var r = ctx.host().run(List.of("stat", "-f", "-c", "%S %b %f %a", dir.toString()), Duration.ofSeconds(10));
      var f = r.output().strip().split("\\s+");
      if (!r.ok() || f.length != 4) {
        throw new RuntimeFailure("cannot read the file system usage of " + dir + ": " + e.getMessage() + "; stat -f exited "
            + r.exitCode() + ": " + r.output());
      }
      long block = Long.parseLong(f[0]);
      return new Usage(block * Long.parseLong(f[1]), block * Long.parseLong(f[2]), block * Long.parseLong(f[3]));
    }
  }

  private static boolean noSpace(IOException e) {
    var m = String.valueOf(e.getMessage());
    return m.contains("No space left") || m.contains("Disk quota exceeded") || m.contains("File too large");
  }

  private static String mib(long bytes) {
    return bytes % (1024 * 1024) == 0 ? bytes / (1024 * 1024) + " MiB" : String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // the heal's DeleteFile step deletes it
    }
  }
}
