package org.pantri.core;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pantri.core.PantriException.Category;
import org.pantri.repo.Git;
import org.pantri.repo.Layout;
import org.pantri.repo.Options;
import org.pantri.repo.RepoException;
import org.pantri.repo.Repository;
import org.pantri.store.ObjectStore;

/**
 * The pre-push guard ({@code pantri push-check REMOTE URL}, run by the hook
 * {@link Hooks#install} writes): refuses a push when a pitem added or changed in the pushed
 * commits points at an object the store does not hold, or holds with another size. Reads git's
 * pre-push lines ({@code <local ref> <local sha> <remote ref> <remote sha>}); the commits checked
 * are those not yet on the remote ({@code <local sha> --not --remotes=<remote> ^<remote sha>}).
 * The store check is {@link RemoteCheck}: one listing per prefix.
 */
public final class PushCheckOperation {
  private static final String ZERO = "0000000000000000000000000000000000000000";

  private final Repository repo;
  private final Context ctx;

  public PushCheckOperation(Repository repo, Context ctx) {
    this.repo = repo;
    this.ctx = ctx;
  }

  /** The outcome: every problem (one line each), refused pitems, how much was checked. */
  public record Outcome(List<String> problems, List<String> refused, List<String> fixPaths, int commits,
      int pitems, int requests) {}

  public Outcome run(String remote, List<String> stdinLines) throws PantriException {
    Git git = repo.git();
    List<String> problems = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    List<String> fix = new ArrayList<>();
    int commits = 0;
    int requests = 0;
    Map<String, GitPitems.Changed> byBlob = new LinkedHashMap<>();
    try {
      for (String line : stdinLines) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 4 || f[1].equals(ZERO) || f[1].matches("0+")) {
          continue; // a deleted ref pushes no content
        }
        List<String> rev = new ArrayList<>(List.of(f[1], "--not"));
        if (remote != null && !remote.isBlank() && !remote.contains("/") && !remote.contains(":")) {
          rev.add("--remotes=" + remote);
        }
        if (!f[3].matches("0+") && git.commitExists(f[3])) {
          rev.add(f[3]);
        }
        Git.Result c = git.run(concat(List.of("rev-list", "--count"), rev));
        if (c.exitCode() == 0) {
          commits += Integer.parseInt(c.out().isEmpty() ? "0" : c.out());
        }
        for (GitPitems.Changed ch : GitPitems.changedIn(git, rev)) {
          byBlob.putIfAbsent(ch.blob(), ch);
        }
      }
      Map<String, String[]> blobs = new LinkedHashMap<>();
      byBlob.forEach((b, ch) -> blobs.put(b, new String[] {ch.repoPath(), ch.commit()}));
      List<GitPitems.Found> found = GitPitems.read(git, blobs);
      // group by the store each shelf uses
      Map<String, Options> optionsByShelf = new HashMap<>();
      Map<String, List<RemoteCheck.Want>> wants = new LinkedHashMap<>();
      Map<String, Options> storeOptions = new LinkedHashMap<>();
      for (GitPitems.Found p : found) {
        if (p.pitem() == null) {
          refused.add(p.problem());
          ctx.reporter().warn("refused " + p.problem());
          continue;
        }
        String path = p.pitem().path();
        // a file directly under shelves/ belongs to no shelf: the [default] options apply
        String shelf = path.contains("/") ? Repository.shelfOf(path) : null;
        Options o = optionsByShelf.get(shelf);
        if (o == null) {
          o = repo.config().resolve(shelf, ctx.cliOptions(), repo.root(), ctx.dataDir());
          optionsByShelf.put(shelf, o);
        }
        storeOptions.putIfAbsent(o.storeIdentity(), o);
        String key = o.layout().key(path, p.pitem().sha256());
        String fallback = o.layout() == Layout.CONTENT ? Layout.PATH.key(path, p.pitem().sha256()) : null;
        wants.computeIfAbsent(o.storeIdentity(), k -> new ArrayList<>()).add(new RemoteCheck.Want(key,
            p.pitem().fileSize(), p.repoPath() + " (commit " + p.commit().substring(0, 12) + ")", fallback));
      }
      try (Stores.Cache stores = new Stores.Cache(ctx, repo.root(), true)) {
        for (Map.Entry<String, List<RemoteCheck.Want>> e : wants.entrySet()) {
          Options o = storeOptions.get(e.getKey());
          ObjectStore store = stores.get(o);
          RemoteCheck.Report rep = RemoteCheck.check(store, e.getValue(), Stores.retrier(o, ctx, store));
          requests += rep.requests();
          for (RemoteCheck.Problem pr : rep.problems()) {
            problems.add(pr.describe(store.describe()));
            String w = pr.want().where();
            fix.add(w.substring(0, w.indexOf(".pitem (commit ")));
          }
        }
      }
      return new Outcome(problems, refused, fix.stream().distinct().toList(), commits, found.size(), requests);
    } catch (RepoException e) {
      throw new PantriException(Category.REPO, e.getMessage(), e);
    } catch (org.pantri.store.AuthException e) {
      throw new PantriException(Category.AUTH, e.getMessage(), e);
    } catch (IOException e) {
      throw new PantriException(Category.STORE, e.getMessage(), e);
    }
  }

  private static String[] concat(List<String> a, List<String> b) {
    List<String> l = new ArrayList<>(a);
    l.addAll(b);
    return l.toArray(String[]::new);
  }
}
