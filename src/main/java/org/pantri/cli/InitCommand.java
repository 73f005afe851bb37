package org.pantri.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.pantri.core.InitOperation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "init", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
    description = {"Set a repository up for Pantri.",
        "Set a repository up for Pantri: git init when needed, shelves/, a commented pantri.toml",
        "(every key with its default; the store options given here filled in), .gitignore lines for the",
        "secret files and dest_sync/. Never changes what exists; says what it adds."})
final class InitCommand implements Callable<Integer> {
  @ParentCommand Main parent;

  @Parameters(paramLabel = "DIR", arity = "0..1", description = "The repository (default: the current directory).")
  Path dir;

  @Option(names = "--hooks", description = "Also install the pre-push guard (see install-hooks).")
  boolean hooks;

  @Option(names = {"-n", "--dry-run", "--dry_run"}, description = "Change nothing; say what would be done.")
  boolean dryRun;

  @Override
  public Integer call() {
    try {
      Run.configureLogging(parent.global, Run.isTerminal());
    } catch (java.io.IOException | IllegalArgumentException e) {
      System.err.println("pantri: error: " + e.getMessage());
      return ExitCodeMapper.USAGE;
    }
    try {
      Path target = dir != null ? dir : parent.global.repo != null ? parent.global.repo : Path.of("");
      for (String line : InitOperation.run(target, parent.global.asConfig(), hooks, dryRun)) {
        System.err.println(line);
      }
      return ExitCodeMapper.OK;
    } catch (Exception e) {
      return ExitCodeMapper.report(e, System.err, parent.global.verbose);
    }
  }
}
