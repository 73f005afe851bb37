package org.pantri.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.pantri.core.PantriException;
import org.pantri.core.PushCheckOperation;
import org.pantri.core.Result;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "push-check", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
    description = {"Check a push: every pitem has its object.",
        "The pre-push guard (run by the hook 'pantri install-hooks' installs): reads git's pre-push",
        "lines '<local ref> <local sha> <remote ref> <remote sha>' on stdin and fails (exit 1) when a pitem",
        "in the commits being pushed points at an object missing from the store or of the wrong size."})
final class PushCheckCommand implements Callable<Integer> {
  @ParentCommand Main parent;

  @Parameters(index = "0", paramLabel = "REMOTE", arity = "0..1", description = "The remote's name (git's $1).")
  String remote;

  @Parameters(index = "1", paramLabel = "URL", arity = "0..1", description = "The remote's URL (git's $2; unused).")
  String url;

  @Override
  public Integer call() throws Exception {
    List<String> lines = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      for (String l = r.readLine(); l != null; l = r.readLine()) {
        if (!l.isBlank()) {
          lines.add(l);
        }
      }
    }
    return Run.execute(parent.global, false, "push-check", (repo, ctx) -> {
      long t0 = System.nanoTime();
      PushCheckOperation.Outcome o = new PushCheckOperation(repo, ctx).run(remote, lines);
      String stats = String.format(Locale.ROOT, "%d commit(s), %d pitem(s), %d store request(s), %.2f s",
          o.commits(), o.pitems(), o.requests(), (System.nanoTime() - t0) / 1e9);
      if (!o.problems().isEmpty()) {
        StringBuilder sb = new StringBuilder("push refused: " + o.problems().size()
            + " pitem(s) in the pushed commits point at objects the store does not hold as they say:");
        o.problems().forEach(p -> sb.append("\n  ").append(p));
        sb.append("\nfix: from a copy with the right files, re-upload them, then push again:\n  pantri store --checksum");
        o.fixPaths().forEach(p -> sb.append(" ").append(shellQuote(p)));
        sb.append("\n(checked ").append(stats).append("; 'git push --no-verify' skips this check)");
        throw new PantriException(PantriException.Category.PARTIAL, sb.toString());
      }
      if (!parent.global.quiet) {
        System.err.println("pantri push guard: every object is in the store (" + stats + ")");
      }
      Result res = new Result();
      return res;
    });
  }

  static String shellQuote(String s) {
    return s.matches("[A-Za-z0-9_./+-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
  }
}
