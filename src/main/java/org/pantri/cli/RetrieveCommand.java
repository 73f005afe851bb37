package org.pantri.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.pantri.core.Result;
import org.pantri.core.RetrieveOperation;
import org.pantri.core.RetrieveRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Option;

@Command(name = "retrieve", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
    description = {"Pull, then sync what the current commit describes into the destination.",
        "Runs git pull --ff-only, then for each shelf copies text files, downloads missing or changed"
            + " objects (verified by SHA-256, written atomically) and deletes removed ones. A shelf already"
            + " synced at HEAD costs one stat (use --force to check every file)."},
    footerHeading = "%nExamples:%n",
    footer = {
        "  pantri retrieve                        # all shelves into dest_sync",
        "  pantri retrieve -s mac -d /srv/munki   # one shelf into a directory",
        "  pantri retrieve --no-pull -n           # offline: print what would change",
        "  pantri retrieve -p -q -j               # cron; writes *_updated_objects.json",
        "  pantri retrieve -i shelves/mac/a.pkg.pitem   # one item, in place"})
final class RetrieveCommand implements Callable<Integer> {
  @ParentCommand Main parent;

  @Option(names = {"-s", "--shelf"}, arity = "1..*", paramLabel = "SHELF", description = "Shelves to retrieve (default: all).")
  List<String> shelves = new ArrayList<>();

  @Option(names = {"-f", "--force"}, description = "Check every file even if the destination is already at HEAD.")
  boolean force;

  @Option(names = {"-j", "--json_output", "--json-output"},
      description = "Write <shelf>_updated_objects.json (all_updated_objects.json) at the repository root.")
  boolean jsonOutput;

  @Option(names = {"-d", "--dest_sync", "--dest-sync"}, paramLabel = "DEST",
      description = "Where to sync (default: dest_sync in pantri.toml, else <repo>/dest_sync; shelves/ = in place).")
  Path dest;

  @Option(names = {"-i", "--pitem"}, paramLabel = "PITEM", description = "Retrieve one item, in place next to its pitem.")
  Path pitem;

  @Option(names = "--atomic", description = {"Build the new tree beside the live one and switch DEST (a symlink) with one rename:",
      "readers see the old tree or the new one, never a mixture. Also the config key atomic = true."})
  boolean atomic;

  @Option(names = "--no-pull", description = "Do not run git pull first (offline use).")
  boolean noPull;

  @Option(names = {"-n", "--dry-run", "--dry_run"}, description = "Change nothing; print what would be done.")
  boolean dryRun;

  @Option(names = "--json", description = "Print a JSON summary on stdout.")
  boolean json;

  @Override
  public Integer call() {
    parent.global.destination(dest);
    if (atomic) {
      parent.global.extra.put("atomic", true);
    }
    return Run.execute(parent.global, json, "retrieve", (repo, ctx) -> {
      Result r = new RetrieveOperation(repo, ctx)
          .run(new RetrieveRequest(shelves, force, pitem, !noPull, dryRun, jsonOutput));
      if (dryRun && !json) {
        r.retrieved.stream().sorted().forEach(p -> System.out.println("download " + p));
        r.copied.stream().sorted().forEach(p -> System.out.println("copy " + p));
        r.removed.stream().sorted().forEach(p -> System.out.println("remove " + p));
      }
      return r;
    });
  }
}
