package dev.reprise.master.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code master}: the Reprise master controller. Each subcommand is one class in this package;
 * exit codes are {@link ExitCodes}. Stack traces are printed only with {@code --stacktrace}.
 */
@Command(
    name = "master",
    mixinStandardHelpOptions = true,
    versionProvider = MasterCli.Version.class,
    description = "Reproducible fault-injection experiments on Docker Swarm.",
    subcommands = {
        ValidateCommand.class,
        PlanCommand.class,
        RunCommand.class,
        CampaignCommand.class,
        RerunCommand.class,
        DiffCommand.class,
        ExportCommand.class,
        CampaignReportCommand.class,
        CompareCommand.class,
        ClusterCommand.class,
        CollectCommand.class,
        RunsCommand.class,
        ServeCommand.class,
        InjectCommand.class,
        ExperimentsCommand.class,
        CommandLine.HelpCommand.class,
    })
public final class MasterCli {

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the CLI and returns its exit code; used by {@link #main} and by tests. */
  public static int execute(String... args) {
    boolean stacktrace = java.util.Arrays.asList(args).contains("--stacktrace");
    return configure(new CommandLine(new MasterCli()), stacktrace).execute(args);
  }

  /** {@code cli} with the CLI's error handling: bad arguments exit 2, unexpected errors exit 1 without a stack trace. */
  static CommandLine configure(CommandLine cli, boolean stacktrace) {
    cli.setParameterExceptionHandler((ex, a) -> {
      ex.getCommandLine().getErr().println("error: " + ex.getMessage());
      ex.getCommandLine().getErr().println("(see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
      return ExitCodes.INVALID_INPUT;
    });
    cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      var err = commandLine.getErr();
      err.println("error: " + (ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage()));
      if (stacktrace) ex.printStackTrace(err); else err.println("(run again with --stacktrace for the details)");
      err.flush();
      return ExitCodes.RUN_FAILED;
    });
    return cli;
  }

  /** The version from the jar manifest, or {@code dev} when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = MasterCli.class.getPackage().getImplementationVersion();
      return new String[] {"reprise master " + (v == null ? "dev" : v)};
    }
  }
}
