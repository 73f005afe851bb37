package org.pantri.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.pantri.core.Result;
import org.pantri.core.RetrieveOperation;
import org.pantri.core.RetrieveRequest;
import org.pantri.core.VerifyOperation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
    description = {"Check that a destination is exactly its commit.",
        "Names every file missing, extra, of the wrong size or mode (with --checksum: of other",
        "content); with --remote every object missing from the store. Exit 1 on any difference."})
final class VerifyCommand implements Callable<Integer> {
  @ParentCommand Main parent;

  @Option(names = {"-d", "--dest_sync", "--dest-sync"}, paramLabel = "DEST",
      description = "The destination (default: dest_sync in pantri.toml, else <repo>/dest_sync).")
  Path dest;

  @Option(names = {"-s", "--shelf"}, arity = "1..*", paramLabel = "SHELF", description = "Only these shelves.")
  List<String> shelves = new ArrayList<>();

  @Option(names = "--repair", description = "Fix what differs the way retrieve would (a forced retrieve without pull), then check again.")
  boolean repair;

  @Option(names = "--remote", description = "Check the store instead: every pitem at HEAD has its object, of the right size (one listing per prefix).")
  boolean remote;

  @Option(names = "--all-refs", description = "With --remote: every pitem of every commit reachable from any ref.")
  boolean allRefs;

  @Option(names = "--json", description = "Print a JSON summary on stdout.")
  boolean json;

  @Override
  public Integer call() {
    parent.global.destination(dest);
    boolean checksum = Boolean.TRUE.equals(parent.global.checksum);
    return Run.execute(parent.global, json, "verify", (repo, ctx) -> {
      if (remote || allRefs) {
        Result rr = new VerifyOperation(repo, ctx).remote(allRefs);
        if (!json) {
          rr.differences.forEach(System.out::println);
        }
        return rr;
      }
      Result r = new VerifyOperation(repo, ctx).run(shelves, checksum);
      if (repair && !r.differences.isEmpty()) {
        Result fixed = new RetrieveOperation(repo, ctx)
            .run(new RetrieveRequest(shelves, true, null, false, false, false));
        if (!fixed.failed.isEmpty()) {
          return fixed;
        }
        r = new VerifyOperation(repo, ctx).run(shelves, checksum);
      }
      if (!json) {
        r.differences.forEach(System.out::println);
      }
      return r;
    });
  }
}
