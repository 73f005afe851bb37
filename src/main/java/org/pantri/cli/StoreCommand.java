package org.pantri.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.pantri.core.Result;
import org.pantri.core.StoreOperation;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "store", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
    description = {"Upload binaries under shelves/ and write their .pitem pointers.",
        "Binaries go to the object store and are git-ignored by exact path; text files are left to git."
            + " A pitem is written only after its object is stored, so an interrupted store is finished"
            + " by running it again. Pantri does not commit: review git status and commit the pitems."},
    footerHeading = "%nExamples:%n",
    footer = {
        "  pantri store                           # every binary under shelves/",
        "  pantri store shelves/mac/tools         # only this directory",
        "  pantri store -n                        # print what would be stored",
        "  pantri store -p --object_store swift --auth_url https://sw.example/auth/v1.0",
        "  git add -A && git commit -m 'new packages' && git push"})
final class StoreCommand implements Callable<Integer> {
  @ParentCommand Main parent;

  @Parameters(paramLabel = "PATH", arity = "0..*",
      description = "Files or directories inside shelves/ (default: all of shelves/).")
  List<Path> paths = new ArrayList<>();

  @Option(names = {"-n", "--dry-run", "--dry_run"},
      description = "Change nothing; print on stdout the repo-relative path of each file that would be stored.")
  boolean dryRun;

  @Option(names = {"--no-create", "--no_create"},
      description = "Never create a missing container, bucket or store directory: fail instead (also create_missing = false).")
  boolean noCreate;

  @Option(names = "--json", description = "Print a JSON summary on stdout.")
  boolean json;

  @Override
  public Integer call() {
    if (noCreate) {
      parent.global.extra.put("create_missing", false);
    }
    return Run.execute(parent.global, json, "store", (repo, ctx) -> {
      Result r = new StoreOperation(repo, ctx).run(paths, dryRun);
      if (dryRun && !json) {
        r.stored.stream().sorted().forEach(System.out::println);
      }
      return r;
    });
  }
}
