package org.pantri.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.pantri.core.RollbackOperation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "rollback", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
    description = {"Switch an atomic destination back to its previous generation.",
        "For destinations retrieved with --atomic (or atomic = true)."})
final class RollbackCommand implements Callable<Integer> {
  @ParentCommand Main parent;

  @Option(names = {"-d", "--dest_sync", "--dest-sync"}, paramLabel = "DEST",
      description = "The destination (default: dest_sync in pantri.toml, else <repo>/dest_sync).")
  Path dest;

  @Option(names = "--json", description = "Print a JSON summary on stdout.")
  boolean json;

  @Override
  public Integer call() {
    parent.global.destination(dest);
    return Run.execute(parent.global, json, "rollback", (repo, ctx) -> new RollbackOperation(repo, ctx).run());
  }
}
