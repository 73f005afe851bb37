package org.pantri.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.pantri.core.PantriException.Category;
import org.pantri.pitem.Pitem;
import org.pantri.pitem.PitemCodec;
import org.pantri.pitem.PitemException;
import org.pantri.plan.RetrievePlanner;
import org.pantri.repo.Git;
import org.pantri.repo.GitObjects;
import org.pantri.repo.Options;
import org.pantri.repo.RepoException;
import org.pantri.repo.Repository;
import org.pantri.scan.Hasher;
import org.pantri.scan.NameRules;

/**
 * {@code pantri verify}: a destination against the commit it was last synced to, shelf by shelf —
 * every file missing, extra, of the wrong size or mode, and with {@code checksum} of other content
 * (SHA-256 for binaries, git's blob id for text). Reads git's objects, never the work tree; changes
 * nothing ({@code --repair} runs a forced retrieve afterwards).
 */
public final class VerifyOperation {
  private final Repository repo;
  private final Context ctx;

  public VerifyOperation(Repository repo, Context ctx) {
    this.repo = repo;
    this.ctx = ctx;
  }

  /** What a file in DEST should be. */
  private record Expected(long size, boolean executable, String blob, Pitem pitem) {}

  /**
   * {@code verify --remote}: every pitem at HEAD (with {@code allRefs}: at every commit reachable
   * from any ref) has its object in the store with the right size — the push guard's check, one
   * listing per prefix, not a request per pitem.
   */
  public Result remote(boolean allRefs) throws PantriException {
    Result result = new Result();
    Git git = repo.git();
    try {
      List<String> revs = new ArrayList<>();
      String head = git.head();
      if (head != null) {
        revs.add(head);
      }
      if (allRefs) {
        for (String line : git.check("for-each-ref", "--format=%(objectname)").lines().toList()) {
          if (!line.isBlank() && !revs.contains(line.trim())) {
            revs.add(line.trim());
          }
        }
      }
      Map<String, String[]> blobs = new java.util.LinkedHashMap<>();
      if (allRefs) {
        // every commit's pitems, history included
        GitPitems.reachableBlobs(git, revs).forEach((blob, path) -> blobs.put(blob, new String[] {path, head}));
      } else if (head != null) {
        // the tree at HEAD only
        try (GitObjects objects = new GitObjects(repo.root())) {
          for (GitObjects.Entry e : objects.lsTree(head, Repository.SHELVES + "/")) {
            if (e.regular() && e.path().endsWith(PitemCodec.SUFFIX)) {
              blobs.putIfAbsent(e.blob(), new String[] {e.path(), head});
            }
          }
        }
      }
      Map<String, List<RemoteCheck.Want>> wants = new java.util.LinkedHashMap<>();
      Map<String, Options> storeOptions = new java.util.HashMap<>();
      for (GitPitems.Found f : GitPitems.read(git, blobs)) {
        if (f.pitem() == null) {
          difference(result, f.repoPath(), "refused pitem (" + f.problem() + ")");
          continue;
        }
        String path = f.pitem().path();
        Options o = repo.config().resolve(path.contains("/") ? Repository.shelfOf(path) : null, ctx.cliOptions(),
            repo.root(), ctx.dataDir());
        storeOptions.putIfAbsent(o.storeIdentity(), o);
        String fallback = o.layout() == org.pantri.repo.Layout.CONTENT
            ? org.pantri.repo.Layout.PATH.key(path, f.pitem().sha256()) : null;
        wants.computeIfAbsent(o.storeIdentity(), k -> new ArrayList<>()).add(new RemoteCheck.Want(
            o.layout().key(path, f.pitem().sha256()), f.pitem().fileSize(), f.repoPath(), fallback));
      }
      try (Stores.Cache stores = new Stores.Cache(ctx, repo.root(), true)) {
        for (Map.Entry<String, List<RemoteCheck.Want>> e : wants.entrySet()) {
          Options o = storeOptions.get(e.getKey());
          org.pantri.store.ObjectStore store = stores.get(o);
          RemoteCheck.Report rep = RemoteCheck.check(store, e.getValue(), Stores.retrier(o, ctx, store));
          for (RemoteCheck.Problem pr : rep.problems()) {
            String line = pr.describe(store.describe());
            result.differences.add(line);
            ctx.reporter().warn(line);
          }
          for (int i = 0; i < rep.checked() - rep.problems().size(); i++) {
            result.skipped.add(e.getKey());
          }
        }
      }
    } catch (RepoException e) {
      throw new PantriException(Category.REPO, e.getMessage(), e);
    } catch (org.pantri.store.AuthException e) {
      throw new PantriException(Category.AUTH, e.getMessage(), e);
    } catch (IOException e) {
      throw new PantriException(Category.STORE, e.getMessage(), e);
    }
    ctx.reporter().info("checked " + (result.skipped.size() + result.differences.size()) + " object(s) in the store"
        + (allRefs ? " for every ref" : " for HEAD") + ": " + result.differences.size() + " problem(s)"
        + (result.differences.isEmpty() ? "" : "; pantri store --checksum PATH re-uploads a missing object"));
    return result;
  }

  public Result run(List<String> shelves, boolean checksum) throws PantriException {
    Result result = new Result();
    Options o = Stores.options(repo, ctx, null);
    Path dest = o.destSync();
    boolean inPlace;
    try {
      inPlace = Files.exists(dest) && Files.isSameFile(dest, repo.shelves());
    } catch (IOException e) {
      inPlace = false;
    }
    try (GitObjects git = new GitObjects(repo.root())) {
      Path stateDir = inPlace ? repo.git().gitDir().resolve("pantri") : dest.resolve(".pantri");
      SyncState state = SyncState.load(stateDir);
      List<String> keys = state.shelves();
      if (keys.isEmpty()) {
        throw new PantriException(Category.USAGE, dest + " was never fully synced (no " + stateDir.resolve("state.json")
            + "); run pantri retrieve -d " + dest + " first");
      }
      DestTree tree = new DestTree(dest);
      for (String key : keys) {
        String shelf = key.equals("/") ? RetrieveOperation.TOP : key;
        if (!shelves.isEmpty() && !shelves.contains(shelf)) {
          continue;
        }
        String commit = state.commit(key);
        result.commit = commit;
        verifyShelf(git, tree, shelf, commit, checksum, inPlace, result);
      }
      for (String s : shelves) {
        if (!keys.contains(s)) {
          difference(result, s + "/", "not synced to this destination");
        }
      }
    } catch (RepoException e) {
      throw new PantriException(Category.REPO, e.getMessage(), e);
    } catch (IOException e) {
      throw new PantriException(Category.REPO, e.getMessage(), e);
    }
    ctx.reporter().info("verified " + dest + ": " + result.skipped.size() + " file(s) as expected, "
        + result.differences.size() + " difference(s)" + (checksum ? " (contents compared)" : " (sizes and modes; --checksum compares contents)"));
    return result;
  }

  private void verifyShelf(GitObjects git, DestTree tree, String shelf, String commit, boolean checksum,
      boolean inPlace, Result result) throws IOException {
    String prefix = Repository.SHELVES + "/";
    List<GitObjects.Entry> entries = shelf.equals(RetrieveOperation.TOP)
        ? git.list(commit, prefix).stream().filter(e -> e.mode() != 040000).toList()
        : git.lsTree(commit, prefix + shelf + "/");
    Map<String, Expected> want = new TreeMap<>();
    for (GitObjects.Entry e : entries) {
      String rel = e.path().substring(prefix.length());
      if (!e.regular()) {
        continue; // links and submodules are never synced
      }
      if (rel.endsWith(PitemCodec.SUFFIX)) {
        String target = RetrievePlanner.binaryPathOfPitem(rel);
        try {
          Pitem p = PitemCodec.decode(git.read(e.blob(), PitemCodec.MAX_PITEM_BYTES), target, e.path());
          want.put(target, new Expected(p.fileSize(), false, null, p));
        } catch (PitemException ex) {
          difference(result, rel, "refused pitem (" + ex.getMessage() + ")");
        }
      } else if (!inPlace) {
        want.put(rel, new Expected(e.size(), e.executable(), e.blob(), null));
      }
    }
    for (Map.Entry<String, Expected> w : want.entrySet()) {
      String rel = w.getKey();
      Expected x = w.getValue();
      Path p = tree.resolve(rel);
      BasicFileAttributes a;
      try {
        a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (IOException e) {
        difference(result, rel, "missing");
        continue;
      }
      if (!a.isRegularFile()) {
        difference(result, rel, "not a regular file");
      } else if (a.size() != x.size()) {
        difference(result, rel, "size " + a.size() + ", expected " + x.size());
      } else if (x.pitem() == null && Files.isExecutable(p) != x.executable()) {
        difference(result, rel, x.executable() ? "not executable, expected mode 755" : "executable, expected mode 644");
      } else if (checksum && x.pitem() != null && !Hasher.hash(p).sha256().equals(x.pitem().sha256())) {
        difference(result, rel, "content differs (SHA-256 is not the pitem's)");
      } else if (checksum && x.pitem() == null && !GitBlobs.id(p).equals(x.blob())) {
        difference(result, rel, "content differs from the commit");
      } else {
        result.skipped.add(p.toString());
      }
    }
    // extra files: what DEST has that the commit does not
    Path root = shelf.equals(RetrieveOperation.TOP) ? tree.root() : tree.root().resolve(shelf);
    if (!Files.isDirectory(root)) {
      return;
    }
    List<Path> found = new ArrayList<>();
    if (shelf.equals(RetrieveOperation.TOP)) {
      try (Stream<Path> s = Files.list(root)) {
        s.filter(q -> !Files.isDirectory(q, LinkOption.NOFOLLOW_LINKS)).forEach(found::add);
      }
    } else {
      try (Stream<Path> s = Files.walk(root)) {
        s.filter(q -> !Files.isDirectory(q, LinkOption.NOFOLLOW_LINKS)).forEach(found::add);
      }
    }
    for (Path q : found) {
      String rel = tree.root().relativize(q).toString();
      if (rel.startsWith(".pantri") || want.containsKey(rel) || (inPlace && !rel.contains("/"))) {
        continue;
      }
      if (inPlace) {
        continue; // in place, the work tree's own files are git's business
      }
      difference(result, rel, "extra: not in the commit");
    }
  }

  private void difference(Result result, String rel, String what) {
    String line = NameRules.escape(rel) + ": " + what;
    result.differences.add(line);
    ctx.reporter().warn("differs: " + line);
  }
}
