package org.pantri.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.pantri.transfer.Cancellation;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The {@code pantri} command. */
@Command(name = "pantri", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    sortOptions = false, usageHelpAutoWidth = true,
    description = "Keeps a package repository's binaries in an object store; git holds .pitem pointers.",
    footerHeading = "%nExamples:%n",
    footer = {"  pantri store && git add -A && git commit -m 'new packages'    # package repo",
        "  pantri retrieve -q -d /srv/pkgs                              # serving host",
        "  pantri verify -d /srv/pkgs --checksum                        # is DEST the commit?",
        "  pantri help retrieve                                         # one command",
        "",
        "Configuration in pantri.toml at the repository root; credentials from the ST_*/OS_*/AWS_*"
        + " environment variables ('pantri help store' lists them, as does 'man pantri').",
        "", "Exit codes: 0 ok, 1 some transfers failed (push-check: push refused; verify: DEST differs), 2 usage,"
        + " 3 repository/config, 4 auth, 5 store unavailable, 6 input refused, 7 destination locked,"
        + " 70 internal error, 130 interrupted."})
public final class Main implements Runnable {
  @Mixin GlobalOptions global;

  /** Set on SIGINT / SIGTERM; operations stop at a safe point. */
  static final Cancellation CANCEL = new Cancellation();
  private static final CountDownLatch FINISHED = new CountDownLatch(1);
  private static volatile boolean exiting;
  private static volatile boolean signalled;

  /**
   * The command the arguments name (the first token that is neither an option nor an option's
   * value), or null when there is none or it needs the whole model (help, completion, a typo).
   */
  static String commandIn(CommandLine root, String[] args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--")) {
        return null;
      }
      if (a.startsWith("-")) {
        CommandLine.Model.OptionSpec o = root.getCommandSpec().findOption(a.contains("=") ? a.substring(0, a.indexOf('=')) : a);
        if (o == null) {
          return null; // e.g. bundled short options: let picocli see everything
        }
        if (!a.contains("=") && o.arity().max() > 0 && !o.typeInfo().isBoolean()) {
          if (o.arity().max() > 1) {
            return null; // a list option: where its values end is picocli's business
          }
          i++;
        }
        continue;
      }
      return COMMANDS.containsKey(a) && !a.equals("help") && !a.equals("completion") ? a : null;
    }
    return null;
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.err);
  }

  public static void main(String[] args) {
    Runtime.getRuntime().addShutdownHook(new Thread(Main::onShutdown, "pantri-shutdown"));
    int code = commandLine(args).execute(args);
    exiting = true;
    FINISHED.countDown();
    if (signalled) {
      parkForever();
    }
    System.exit(code);
  }

  /**
   * On Ctrl-C / SIGTERM: stop starting work, let running transfers reach a safe point (temp files
   * are never at final paths; finished uploads get their pitems), then exit 130.
   */
  /** True while the user is being asked something: Ctrl-C then ends the run at once. */
  static volatile boolean prompting;

  private static void onShutdown() {
    if (exiting) {
      return;
    }
    if (prompting) {
      // nothing has been done yet; a prompt blocked in readLine would otherwise hold the exit 30 s
      System.err.println();
      System.err.println("pantri: interrupted");
      System.err.flush();
      Runtime.getRuntime().halt(ExitCodeMapper.INTERRUPTED);
    }
    signalled = true;
    CANCEL.cancel();
    System.err.println("pantri: interrupted; finishing in-flight work (Ctrl-C again... is ignored, kill -9 is safe)");
    try {
      FINISHED.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException ignored) {
      // exit anyway
    }
    System.err.flush();
    Runtime.getRuntime().halt(ExitCodeMapper.INTERRUPTED);
  }

  private static void parkForever() {
    while (true) {
      try {
        Thread.sleep(Long.MAX_VALUE);
      } catch (InterruptedException ignored) {
        // the shutdown hook halts the VM
      }
    }
  }

  /** Every command, in the order --help lists them. */
  static final java.util.Map<String, Class<?>> COMMANDS = commands();

  private static java.util.Map<String, Class<?>> commands() {
    java.util.Map<String, Class<?>> m = new java.util.LinkedHashMap<>();
    m.put("store", StoreCommand.class);
    m.put("retrieve", RetrieveCommand.class);
    m.put("status", StatusCommand.class);
    m.put("verify", VerifyCommand.class);
    m.put("rollback", RollbackCommand.class);
    m.put("auth", AuthCommand.class);
    m.put("init", InitCommand.class);
    m.put("ls", LsCommand.class);
    m.put("gc", GcCommand.class);
    m.put("install-hooks", InstallHooksCommand.class);
    m.put("push-check", PushCheckCommand.class);
    m.put("completion", CompletionCommand.class);
    m.put("help", CommandLine.HelpCommand.class);
    return m;
  }

  /** The whole command model (help, completion, the man page, tests). */
  static CommandLine commandLine() {
    return commandLine(null);
  }

  /**
   * The command model for one run: when the arguments name one command, only that command's model
   * is built (picocli reflects over every annotated class it registers, and a cron job's no-op
   * retrieve should not pay for the other twelve); otherwise all of them.
   */
  static CommandLine commandLine(String[] args) {
    CommandLine cl = new CommandLine(new Main());
    String only = args == null ? null : commandIn(cl, args);
    for (java.util.Map.Entry<String, Class<?>> e : COMMANDS.entrySet()) {
      if (only == null || only.equals(e.getKey())) {
        cl.addSubcommand(e.getKey(), e.getValue());
      }
    }
    Help.decorate(cl);
    cl.setParameterExceptionHandler((ex, badArgs) -> {
      CommandLine c = ex.getCommandLine();
      c.getErr().println("pantri: " + ex.getMessage());
      c.getErr().println("Run '" + c.getCommandSpec().qualifiedName() + " --help' for usage.");
      return ExitCodeMapper.USAGE;
    });
    cl.setExecutionExceptionHandler(new ExitCodeMapper());
    return cl;
  }

  /** Version from the jar manifest (set by Maven). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"pantri " + (v == null ? "dev" : v)};
    }
  }
}
