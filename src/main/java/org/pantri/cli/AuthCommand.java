package org.pantri.cli;

import java.util.concurrent.Callable;
import org.pantri.core.AuthOperation;
import org.pantri.core.Result;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "auth", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
    description = {"Swift: log in and cache the token, or test the cached one.",
        "Logs in with the password file, the ST_*/OS_* variables or a prompt and caches the token in"
            + " .pantri_auth_token (mode 0600); with --test only says whether the cached token is still valid."},
    footerHeading = "%nExamples:%n",
    footer = {
        "  pantri auth                            # log in (prompts on a terminal)",
        "  pantri auth -p                         # from .pantri_password, no prompt",
        "  pantri auth --test || pantri auth -p   # cron: renew only when needed"})
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
