package org.pantri.cli;

import java.util.concurrent.Callable;
import org.pantri.core.Hooks;
import org.pantri.core.Result;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "install-hooks", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
    description = {"Install the pre-push guard hook.",
        "Install the push guard: a git pre-push hook that refuses a push when a pitem in the pushed",
        "commits points at an object missing from the store. An existing pre-push hook is kept",
        "(renamed pre-push.pantri-chained) and runs first; it is never overwritten."})
final class InstallHooksCommand implements Callable<Integer> {
  @ParentCommand Main parent;

  @Option(names = {"-n", "--dry-run", "--dry_run"}, description = "Only say what would be done.")
  boolean dryRun;

  @Override
  public Integer call() {
    return Run.execute(parent.global, false, "install-hooks", (repo, ctx) -> {
      Hooks.install(repo, dryRun).forEach(System.err::println);
      return new Result();
    });
  }
}
