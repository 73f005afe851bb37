package org.pantri.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.pantri.core.Result;
import org.pantri.core.RetrieveOperation;
import org.pantri.core.RetrieveRequest;
import org.pantri.core.StoreOperation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "status", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
    description = {"Show what store and retrieve would do; change nothing.",
        "What store would upload (new or changed binaries, pitems to rewrite), and what retrieve",
        "would change in the destination after a fetch (nothing is merged, stored or written)."})
final class StatusCommand implements Callable<Integer> {
  @ParentCommand Main parent;

  @Option(names = {"-d", "--dest_sync", "--dest-sync"}, paramLabel = "DEST",
      description = "The destination to compare (default: dest_sync in pantri.toml, else <repo>/dest_sync).")
  Path dest;

  @Option(names = {"-s", "--shelf"}, arity = "1..*", paramLabel = "SHELF", description = "Only these shelves (retrieve side).")
  List<String> shelves = new ArrayList<>();

  @Option(names = "--no-fetch", description = "Compare with the local HEAD instead of fetching the upstream.")
  boolean noFetch;

  @Option(names = "--json", description = "Print a JSON summary on stdout.")
  boolean json;

  @Override
  public Integer call() {
    parent.global.destination(dest);
    return Run.execute(parent.global, json, "status", (repo, ctx) -> {
      Result store = new StoreOperation(repo, ctx).run(List.of(), true);
      Result r = new RetrieveOperation(repo, ctx)
          .run(new RetrieveRequest(shelves, false, null, !noFetch, true, false));
      r.stored.addAll(store.stored);
      r.refused.addAll(store.refused);
      r.failed.addAll(store.failed);
      if (!json) {
        r.stored.stream().sorted().forEach(p -> System.out.println("store " + p));
        r.retrieved.stream().sorted().forEach(p -> System.out.println("download " + p));
        r.copied.stream().sorted().forEach(p -> System.out.println("copy " + p));
        r.removed.stream().sorted().forEach(p -> System.out.println("remove " + p));
      }
      return r;
    });
  }
}
