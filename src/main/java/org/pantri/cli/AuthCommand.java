package org.pantri.cli;

import java.util.concurrent.Callable;
import org.pantri.core.AuthOperation;
import org.pantri.core.Result;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "auth", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
    description = {"Swift: log in and cache the token in .pantri_auth_token (mode 0600),",
        "or with --test only say whether the cached token is still valid."})
final class AuthCommand implements Callable<Integer> {
  @ParentCommand Main parent;

  @Option(names = "--test", description = "Only check the cached token (exit 0 valid, 4 not).")
  boolean test;

  @Option(names = {"-s", "--shelf"}, paramLabel = "SHELF", description = "Use this shelf's store settings.")
  String shelf;

  @Override
  public Integer call() {
    return Run.execute(parent.global, false, "auth", (repo, ctx) -> {
      String line = new AuthOperation(repo, ctx).run(shelf, test);
      System.out.println(line);
      Result r = new Result();
      r.dryRun = true;
      return r;
    });
  }
}
