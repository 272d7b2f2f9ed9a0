package dev.reprise.fdsl.model;

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
 */
public record CustomFault(
    @JsonProperty("killsContainer") boolean killsContainer,
    String faultFileName,
    String faultFileFolder,
    List<String> faultScriptArguments,
    String executable,
    List<String> executableArguments)
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
  @Override public String label() { return "custom " + faultFileName; }
  @Override public long durationMillis() { return 0; }
}
