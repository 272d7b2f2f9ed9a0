package dev.reprise.fdsl.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;

/**
 * {@code custom:} — run a shipped script inside each target container:
 * {@code executable executableArguments... faultFileFolder/faultFileName faultScriptArguments...}.
 *
 * @param killsContainer whether the script ends the container
 * @param faultFileName the script's file name; the master ships it from the scenario's faults folder
 * @param faultFileFolder where the script is placed inside the container (default {@code /usr/lib/faultsee/})
 * @param faultScriptArguments arguments after the script path
 * @param executable the interpreter (default {@code /bin/sh})
 * @param executableArguments arguments between the interpreter and the script path
 * @param maxDurationMillis how long the script may run before the heal kills it, &gt; 0; null: until it
 *     ends by itself (FDSL has no key for it: the planner sets it from {@code environment.safety.max_fault_duration}).
 *     Absent from the JSON form when null, so plans without it keep their bytes
 */
public record CustomFault(
    @JsonProperty("killsContainer") boolean killsContainer,
    String faultFileName,
    String faultFileFolder,
    List<String> faultScriptArguments,
    String executable,
    List<String> executableArguments,
    @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("maxDurationMillis") Long maxDurationMillis)
    implements FaultSpec {
  public static final String TYPE = "custom";
  public static final String DEFAULT_FOLDER = "/usr/lib/faultsee/";
  public static final String DEFAULT_EXECUTABLE = "/bin/sh";

  public CustomFault {
    Objects.requireNonNull(faultFileName, "faultFileName");
    faultFileFolder = faultFileFolder == null ? DEFAULT_FOLDER : faultFileFolder;
    faultScriptArguments = faultScriptArguments == null ? List.of() : List.copyOf(faultScriptArguments);
    executable = executable == null ? DEFAULT_EXECUTABLE : executable;
    executableArguments = executableArguments == null ? List.of() : List.copyOf(executableArguments);
    if (maxDurationMillis != null && maxDurationMillis <= 0) throw new IllegalArgumentException("maxDurationMillis must be > 0");
  }

  /** A script that runs until it ends by itself. */
  public CustomFault(boolean killsContainer, String faultFileName, String faultFileFolder, List<String> faultScriptArguments,
      String executable, List<String> executableArguments) {
    this(killsContainer, faultFileName, faultFileFolder, faultScriptArguments, executable, executableArguments, null);
  }

  /** This fault with the script killed at the latest {@code millis} after it starts. */
  public CustomFault withMaxDurationMillis(long millis) {
    return new CustomFault(killsContainer, faultFileName, faultFileFolder, faultScriptArguments, executable, executableArguments, millis);
  }

  /** The script's absolute path inside the container. */
  public String scriptPathInContainer() {
    return faultFileFolder.endsWith("/") ? faultFileFolder + faultFileName : faultFileFolder + "/" + faultFileName;
  }

  /** The full command line run inside the container. */
  public List<String> commandLine() {
    var cmd = new java.util.ArrayList<String>();
    cmd.add(executable);
    cmd.addAll(executableArguments);
    cmd.add(scriptPathInContainer());
    cmd.addAll(faultScriptArguments);
    return List.copyOf(cmd);
  }

  @Override public String type() { return TYPE; }
  @Override public String label() {
    return "custom " + faultFileName + (maxDurationMillis == null ? "" : " max " + Durations.format(maxDurationMillis));
  }

  /** {@link #maxDurationMillis()}, or 0 when the script's own length decides. */
  @Override public long durationMillis() { return maxDurationMillis == null ? 0 : maxDurationMillis; }
}
