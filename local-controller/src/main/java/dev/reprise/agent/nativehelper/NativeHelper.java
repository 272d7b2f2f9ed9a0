package dev.reprise.agent.nativehelper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * The native fault helper {@code reprise-fault-helper} (source: {@code src/main/c/reprise-fault-helper.c},
 * whose top comment is its manual): a static x86_64 Linux binary built by this module's Maven build and
 * shipped as the class-path resource {@value #RESOURCE_PATH}. Its subcommands are a userspace netem on
 * NFQUEUE ({@code netem}), a memory hog ({@code memory}), an I/O load ({@code io}) and measurement tools
 * ({@code udp-echo}, {@code udp-ping}, {@code tcp-sink}, {@code tcp-source}). Every subcommand takes
 * {@code --until-epoch-ms T} (it ends by itself then) and {@code --marker M} (so
 * {@link dev.reprise.agent.runtime.LinuxHostOps#findMarked} finds it through {@link #markerOf}).
 *
 * <p>All methods are static and thread-safe.
 */
public final class NativeHelper {
  /** The resource's name, next to this class. */
  public static final String RESOURCE = "reprise-fault-helper-x86_64-linux";
  /** The resource's absolute class-path name. */
  public static final String RESOURCE_PATH = "/dev/reprise/agent/nativehelper/" + RESOURCE;
  /** How the helper's file name starts wherever it is: as the resource, or as extracted by {@link #extract}. */
  public static final String NAME = "reprise-fault-helper";
  /**
   * The mark ({@code SO_MARK}, "RPRQ") that {@code netem} puts on the duplicates it sends by default;
   * the iptables rule that queues packets must exclude it ({@code -m mark ! --mark 0x52505251}), or
   * duplicates would be queued again.
   */
  public static final String DUPLICATE_MARK = "0x52505251";
  /** Where {@link #extract} puts the helper when it may (the agent runs as root). */
  static final Path HOST_DIRECTORY = Path.of("/var/lib/reprise/bin");

  private static Path extracted; // guarded by NativeHelper.class

  private NativeHelper() {}

  /**
   * Why the helper cannot run on this machine, or empty when it can: it is built for x86_64 Linux
   * only, and a build without a C compiler would leave the resource out (the build fails instead,
   * but a class path assembled by hand may lack it).
   */
  public static Optional<String> unavailable() {
    String os = System.getProperty("os.name", "");
    String arch = System.getProperty("os.arch", "");
    if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
      return Optional.of("the native helper is built for x86_64 Linux; this is " + os + " on " + arch);
    }
    if (!arch.equals("amd64") && !arch.equals("x86_64")) {
      return Optional.of("the native helper is built for x86_64 Linux; this machine is " + arch);
    }
    if (NativeHelper.class.getResource(RESOURCE_PATH) == null) {
      return Optional.of("the class path has no " + RESOURCE_PATH + " (local-controller was built without it?)");
    }
    return Optional.empty();
  }

  /**
   * The helper as an executable file on this host: {@value #NAME}{@code -<first 16 hex digits of its
   * SHA-256>} in {@code /var/lib/reprise/bin} when that directory can be created and written (root),
   * else in a directory of this user under {@code java.io.tmpdir}. Idempotent: a file that is already
   * there with the same content is reused (it is written to a temporary name and renamed, so
   * concurrent agents never run a half-written file); the name changes with the content, so an older
   * helper in use is never overwritten. The first call per JVM does the work, later calls return the
   * same path.
   *
   * @throws IllegalStateException when {@link #unavailable()} says why it cannot run here
   * @throws UncheckedIOException when the file cannot be written
   */
  public static synchronized Path extract() {
    if (extracted != null && Files.isExecutable(extracted)) return extracted;
    unavailable().ifPresent(why -> {
      throw new IllegalStateException(why);
    });
    IOException hostFailure;
    try {
      extracted = extractTo(HOST_DIRECTORY);
      return extracted;
    } catch (IOException e) {
      hostFailure = e;
    }
    try {
      extracted = extractTo(userTempDirectory());
      return extracted;
    } catch (IOException e) {
      e.addSuppressed(hostFailure);
      throw new UncheckedIOException("cannot extract " + RESOURCE_PATH + " to " + HOST_DIRECTORY + " nor to "
          + System.getProperty("java.io.tmpdir") + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes the helper into {@code directory} (created when missing) as {@value #NAME}{@code -<sha256
   * prefix>}, mode 755, unless a file with that name and content is already there; returns its path.
   */
  static Path extractTo(Path directory) throws IOException {
    byte[] content = resourceBytes();
    String sha = sha256(content);
    Files.createDirectories(directory);
    Path target = directory.resolve(NAME + "-" + sha.substring(0, 16));
    if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) && Files.size(target) == content.length
        && sha.equals(sha256(Files.readAllBytes(target)))) {
      if (!Files.isExecutable(target)) Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
      return target;
    }
    Path temporary = Files.createTempFile(directory, NAME + ".", ".part");
    try {
      Files.write(temporary, content);
      Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rwxr-xr-x"));
      try {
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temporary);
    }
    return target;
  }

  /**
   * The {@code --marker} value of a process whose {@code /proc/<pid>/cmdline} (arguments separated,
   * and ended, by NUL) is {@code procCmdline}, when its {@code argv[0]} is this helper (a file named
   * {@value #NAME}…, at any path); null for any other process, and for a helper without a marker.
   */
  public static String markerOf(String procCmdline) {
    if (procCmdline == null || procCmdline.isEmpty()) return null;
    var args = procCmdline.split("\0", -1);
    int n = args[args.length - 1].isEmpty() ? args.length - 1 : args.length; // a trailing NUL ends the last argument
    if (n < 2) return null;
    String program = args[0].substring(args[0].lastIndexOf('/') + 1);
    if (!program.startsWith(NAME)) return null;
    for (int i = 1; i + 1 < n; i++) {
      if (args[i].equals("--marker")) return args[i + 1].isEmpty() ? null : args[i + 1];
    }
    return null;
  }

  private static byte[] resourceBytes() throws IOException {
    try (InputStream in = NativeHelper.class.getResourceAsStream(RESOURCE_PATH)) {
      if (in == null) throw new IOException("the class path has no " + RESOURCE_PATH);
      return in.readAllBytes();
    }
  }

  private static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no SHA-256 in this JVM", e);
    }
  }

  /** {@code java.io.tmpdir/reprise-bin-<user>}, refused when another user owns it (it would be theirs to swap). */
  private static Path userTempDirectory() throws IOException {
    String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9_.-]", "_");
    Path dir = Path.of(System.getProperty("java.io.tmpdir"), "reprise-bin-" + user);
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      try {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (java.nio.file.FileAlreadyExistsException e) {
        // another thread or agent made it first; checked below
      }
    }
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
        || !Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName().equals(System.getProperty("user.name"))) {
      throw new IOException(dir + " is not a directory of " + System.getProperty("user.name"));
    }
    return dir;
  }
}
