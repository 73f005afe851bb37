package org.pantri.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.pantri.core.PantriException.Category;
import org.pantri.pitem.PitemCodec;
import org.pantri.repo.Git;
import org.pantri.repo.Layout;
import org.pantri.repo.Options;
import org.pantri.repo.RepoException;
import org.pantri.repo.Repository;
import org.pantri.store.ObjectInfo;
import org.pantri.store.ObjectStore;
import org.pantri.store.StoredPart;
import org.pantri.transfer.Retrier;

/**
 * {@code pantri gc}: removes objects of the content layout that no pitem reachable from any ref
 * points at. Reports only unless asked to delete; never deletes objects younger than the grace
 * period (a store in progress elsewhere), objects outside {@code sha256/}, or anything in a
 * path-layout store (there a key is reused by new content, so reachability says nothing).
 *
 * <p>Live set: every SHA-256 named by a pitem blob in any commit reachable from any ref (branches,
 * tags, remote-tracking branches, notes, ...), HEAD and every worktree's HEAD, every stash entry,
 * plus the pitems in this work tree. Refused when the clone is shallow or partial, or a remote
 * has no fetched refs.
 */
public final class GcOperation {
  static final Pattern CONTENT_KEY = Pattern.compile("sha256/[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}");
  static final String PREFIX = "sha256/";
  /** Deletions between two re-checks of the store (fresh listing) and of the refs. */
  static final int BATCH = 1000;

  private final Repository repo;
  private final Context ctx;

  public GcOperation(Repository repo, Context ctx) {
    this.repo = repo;
    this.ctx = ctx;
  }

  /**
   * @param graceSeconds objects (and parts) stored more recently than this are kept
   * @param delete delete (else only report)
   * @param maxDelete the most objects one run may delete; -1: refuse to delete more than half
   * @param fetch run {@code git fetch --prune --tags} for every remote first
   */
  public record Request(long graceSeconds, boolean delete, long maxDelete, boolean fetch) {}

  /** Per store: what it holds and what gc found (and deleted). */
  public static final class StoreReport {
    public String store;
    public int objects;
    public long objectBytes;
    public int live;
    public int young;
    public int unknownAge;
    public int other;
    public final List<ObjectInfo> garbage = new ArrayList<>();
    public long garbageBytes;
    public final List<StoredPart> garbageParts = new ArrayList<>();
    public int liveParts;
    public int deleted;
    public long deletedBytes;
    public int deletedParts;
    public int requests;
    public final List<String> failed = new ArrayList<>();
  }

  public record Report(int refs, int commits, int pitems, int liveKeys, List<String> refused,
      List<StoreReport> stores, boolean deleted) {}

  public Report run(Request req) throws PantriException {
    Git git = repo.git();
    try {
      preflight(git, req.fetch());
      List<String> refs = refTips(git);
      String refsSnapshot = git.check("for-each-ref", "--format=%(objectname) %(refname)");
      Map<String, String> blobs = GitPitems.reachableBlobs(git, refs);
      Map<String, String[]> toRead = new LinkedHashMap<>();
      blobs.forEach((b, p) -> toRead.put(b, new String[] {p, null}));
      List<GitPitems.Found> found = GitPitems.read(git, toRead);
      Set<String> liveKeys = new HashSet<>();
      List<String> refused = new ArrayList<>();
      Set<String> shelves = new LinkedHashSet<>(repo.shelfNames());
      for (GitPitems.Found f : found) {
        f.sha256s().forEach(s -> liveKeys.add(Layout.CONTENT.key("", s)));
        if (f.problem() != null) {
          refused.add(f.problem());
        }
        String sp = f.shelvesPath();
        if (sp.contains("/")) {
          shelves.add(Repository.shelfOf(sp));
        }
      }
      int worktreePitems = addWorkTreePitems(liveKeys);
      int commits = countCommits(git, refs);
      ctx.reporter().info("live set: " + liveKeys.size() + " object(s) named by " + found.size()
          + " pitem version(s) in " + commits + " commit(s) reachable from " + refs.size() + " ref(s)"
          + (worktreePitems > 0 ? " and " + worktreePitems + " pitem(s) in the work tree" : ""));

      // Every store any shelf uses; gc refuses the path layout outright.
      Map<String, Options> stores = new LinkedHashMap<>();
      List<String> pathShelves = new ArrayList<>();
      List<String> names = new ArrayList<>();
      names.add(null);
      names.addAll(shelves);
      for (String shelf : names) {
        Options o = repo.config().resolve(shelf, ctx.cliOptions(), repo.root(), ctx.dataDir());
        if (o.layout() == Layout.PATH) {
          pathShelves.add(shelf == null ? "[default]" : shelf);
        }
        stores.putIfAbsent(o.storeIdentity(), o);
      }
      if (!pathShelves.isEmpty()) {
        throw new PantriException(Category.USAGE, "gc works only with the content layout; "
            + String.join(", ", pathShelves) + " use" + (pathShelves.size() == 1 ? "s" : "")
            + " layout = \"path\", where an object's name is reused by new content, so an object no"
            + " commit points at may still be the current one; nothing was deleted");
      }
      List<StoreReport> reports = new ArrayList<>();
      try (Stores.Cache cache = new Stores.Cache(ctx, repo.root(), true)) {
        for (Options o : stores.values()) {
          ObjectStore store = cache.get(o);
          reports.add(collect(store, o, liveKeys, req, refsSnapshot));
        }
      }
      return new Report(refs.size(), commits, found.size(), liveKeys.size(), refused, reports, req.delete());
    } catch (RepoException e) {
      throw new PantriException(Category.REPO, e.getMessage(), e);
    } catch (org.pantri.store.AuthException e) {
      throw new PantriException(Category.AUTH, e.getMessage(), e);
    } catch (IOException e) {
      throw new PantriException(Category.STORE, e.getMessage(), e);
    }
  }

  /** Refuses clones that cannot see every ref's history. */
  private void preflight(Git git, boolean fetch) throws IOException, PantriException {
    if ("true".equals(git.check("rev-parse", "--is-shallow-repository"))) {
      throw new PantriException(Category.REPO, "this clone is shallow: gc cannot see every commit's pitems;"
          + " run 'git fetch --unshallow' (or gc from a full clone); nothing was deleted");
    }
    Git.Result partial = git.run("config", "--get", "extensions.partialClone");
    if (partial.exitCode() == 0 && !partial.out().isEmpty()) {
      throw new PantriException(Category.REPO, "this is a partial clone (remote '" + partial.out()
          + "' may hold pitems this clone never downloaded): gc needs a full clone; nothing was deleted");
    }
    List<String> remotes = git.check("remote").lines().filter(s -> !s.isBlank()).toList();
    for (String r : remotes) {
      if (fetch) {
        ctx.reporter().info("fetching " + r + " ...");
        Git.Result f = git.run("fetch", "--prune", "--tags", "--quiet", r);
        if (f.exitCode() != 0) {
          throw new PantriException(Category.REPO, "git fetch " + r + " failed: " + f.stderr()
              + "\n  gc needs every remote's refs; fix the remote (or remove it) and run gc again; nothing was deleted");
        }
      }
      if (git.check("for-each-ref", "--count=1", "--format=%(refname)", "refs/remotes/" + r + "/").isEmpty()) {
        throw new PantriException(Category.REPO, "remote '" + r + "' has no fetched refs in this clone;"
            + " gc must see every branch: run 'git fetch " + r + "' (or gc --fetch); nothing was deleted");
      }
    }
    if (!remotes.isEmpty() && !fetch) {
      ctx.reporter().info("using the refs last fetched from " + String.join(", ", remotes)
          + " (gc --fetch fetches them first)");
    }
  }

  /** Every ref's commit, HEAD, every worktree's HEAD, every stash entry. */
  static List<String> refTips(Git git) throws IOException {
    Set<String> out = new LinkedHashSet<>();
    for (String line : git.check("for-each-ref", "--format=%(objectname) %(objecttype) %(*objecttype)").lines().toList()) {
      String[] f = line.split(" ");
      // a tag pointing at a tree or blob is listed too: rev-list --objects walks it
      if (f.length > 0 && !f[0].isEmpty()) {
        out.add(f[0]);
      }
    }
    String head = git.head();
    if (head != null) {
      out.add(head);
    }
    for (String line : git.check("worktree", "list", "--porcelain").lines().toList()) {
      if (line.startsWith("HEAD ") && git.commitExists(line.substring(5).trim())) {
        out.add(line.substring(5).trim());
      }
    }
    Git.Result stash = git.run("log", "-g", "--format=%H", "refs/stash", "--");
    if (stash.exitCode() == 0) {
      stash.out().lines().filter(s -> !s.isBlank()).forEach(out::add);
    }
    return new ArrayList<>(out);
  }

  private static int countCommits(Git git, List<String> refs) throws IOException {
    if (refs.isEmpty()) {
      return 0;
    }
    byte[] in = (String.join("\n", refs) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Git.Result r = git.runWithInput(in, "rev-list", "--count", "--stdin");
    return r.exitCode() == 0 ? Integer.parseInt(r.out()) : 0;
  }

  /** Pitems in this work tree (stored, not committed yet) are live too. */
  private int addWorkTreePitems(Set<String> liveKeys) throws IOException {
    if (!Files.isDirectory(repo.shelves())) {
      return 0;
    }
    int[] n = {0};
    try (Stream<Path> s = Files.walk(repo.shelves())) {
      s.filter(p -> p.getFileName().toString().endsWith(PitemCodec.SUFFIX) && Files.isRegularFile(p,
          java.nio.file.LinkOption.NOFOLLOW_LINKS)).forEach(p -> {
            try {
              byte[] b = Files.readAllBytes(p);
              if (b.length < 1 << 20) {
                GitPitems.parse("", "shelves/x" + PitemCodec.SUFFIX, null, b).sha256s()
                    .forEach(sha -> liveKeys.add(Layout.CONTENT.key("", sha)));
                n[0]++;
              }
            } catch (IOException e) {
              ctx.reporter().warn("cannot read " + p + ": " + e.getMessage());
            }
          });
    }
    return n[0];
  }

  private StoreReport collect(ObjectStore store, Options o, Set<String> liveKeys, Request req, String refsSnapshot)
      throws IOException, PantriException {
    StoreReport rep = new StoreReport();
    rep.store = store.describe();
    Retrier retrier = Stores.retrier(o, ctx, store);
    long cutoff = System.currentTimeMillis() / 1000 - req.graceSeconds();
    rep.requests++;
    List<ObjectInfo> objects = retrier.call("listing of " + store.describe(), () -> store.list(PREFIX));
    Set<String> kept = new HashSet<>();
    for (ObjectInfo i : objects) {
      rep.objects++;
      rep.objectBytes += Math.max(0, i.size());
      if (!CONTENT_KEY.matcher(i.key()).matches()) {
        rep.other++;
        kept.add(i.key());
      } else if (liveKeys.contains(i.key())) {
        rep.live++;
        kept.add(i.key());
      } else if (i.storedAtSeconds() < 0 && req.graceSeconds() > 0) {
        rep.unknownAge++;
        kept.add(i.key());
      } else if (i.storedAtSeconds() > cutoff) {
        rep.young++;
        kept.add(i.key());
      } else {
        rep.garbage.add(i);
        rep.garbageBytes += Math.max(0, i.size());
      }
    }
    rep.requests++;
    for (StoredPart p : retrier.call("parts listing of " + store.describe(), () -> store.listParts(PREFIX))) {
      if (partDeletable(p, liveKeys, kept, cutoff)) {
        rep.garbageParts.add(p);
      } else {
        rep.liveParts++;
      }
    }
    if (!req.delete() || (rep.garbage.isEmpty() && rep.garbageParts.isEmpty())) {
      return rep;
    }
    long limit = req.maxDelete();
    if (limit < 0 && rep.garbage.size() * 2 > rep.objects) {
      throw new PantriException(Category.USAGE, "refusing to delete " + rep.garbage.size() + " of the "
          + rep.objects + " objects in " + store.describe() + " (more than half): if that is right"
          + " (check that every branch and tag was fetched), run again with --max-delete " + rep.garbage.size()
          + "; nothing was deleted");
    }
    if (limit >= 0 && rep.garbage.size() > limit) {
      throw new PantriException(Category.USAGE, rep.garbage.size() + " objects in " + store.describe()
          + " are garbage, more than --max-delete " + limit + "; raise --max-delete to delete them; nothing was deleted");
    }
    delete(store, o, rep, liveKeys, req, refsSnapshot);
    return rep;
  }

  static boolean partDeletable(StoredPart p, Set<String> liveKeys, Set<String> kept, long cutoff) {
    return !liveKeys.contains(p.ownerKey()) && !kept.contains(p.ownerKey())
        && CONTENT_KEY.matcher(p.ownerKey()).matches() && p.storedAtSeconds() >= 0 && p.storedAtSeconds() <= cutoff;
  }

  /**
   * Deletes in batches. Before each batch the refs must be unchanged and the store is listed again:
   * an object that was written again since (a store running now) is kept.
   */
  private void delete(ObjectStore store, Options o, StoreReport rep, Set<String> liveKeys, Request req,
      String refsSnapshot) throws IOException, PantriException {
    Retrier retrier = Stores.retrier(o, ctx, store);
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(8, o.jobs())), r -> {
      Thread t = new Thread(r, "pantri-gc");
      t.setDaemon(true);
      return t;
    });
    try {
      List<ObjectInfo> all = rep.garbage;
      for (int i = 0; i < all.size(); i += BATCH) {
        if (ctx.cancel().isCancelled()) {
          return;
        }
        if (!repo.git().check("for-each-ref", "--format=%(objectname) %(refname)").equals(refsSnapshot)) {
          throw new PantriException(Category.REPO, "the refs changed while gc ran (a fetch, commit or push);"
              + " deleted " + rep.deleted + " object(s) so far; run gc again");
        }
        long cutoff = System.currentTimeMillis() / 1000 - req.graceSeconds();
        rep.requests++;
        Map<String, ObjectInfo> now = new java.util.HashMap<>();
        for (ObjectInfo x : retrier.call("listing of " + store.describe(), () -> store.list(PREFIX))) {
          now.put(x.key(), x);
        }
        List<Future<?>> fs = new ArrayList<>();
        for (ObjectInfo g : all.subList(i, Math.min(all.size(), i + BATCH))) {
          ObjectInfo cur = now.get(g.key());
          if (cur == null || cur.storedAtSeconds() != g.storedAtSeconds() || cur.storedAtSeconds() > cutoff
              || liveKeys.contains(g.key())) {
            continue; // gone already, or written again since the first listing
          }
          fs.add(pool.submit(() -> {
            try {
              retrier.call("delete of " + g.key(), () -> {
                store.deleteWithParts(g.key());
                return null;
              });
              synchronized (rep) {
                rep.deleted++;
                rep.deletedBytes += Math.max(0, g.size());
                rep.requests++;
              }
            } catch (IOException e) {
              synchronized (rep) {
                rep.failed.add(g.key() + ": " + e.getMessage());
              }
            }
          }));
        }
        await(fs);
      }
      // Parts last, from a fresh listing: manifests deleted above took their segments with them.
      long cutoff = System.currentTimeMillis() / 1000 - req.graceSeconds();
      Set<String> kept = new HashSet<>();
      rep.requests++;
      for (ObjectInfo x : retrier.call("listing of " + store.describe(), () -> store.list(PREFIX))) {
        kept.add(x.key());
      }
      rep.requests++;
      List<Future<?>> fs = new ArrayList<>();
      for (StoredPart p : retrier.call("parts listing of " + store.describe(), () -> store.listParts(PREFIX))) {
        if (!partDeletable(p, liveKeys, kept, cutoff)) {
          continue;
        }
        fs.add(pool.submit(() -> {
          try {
            retrier.call("delete of part " + p.id(), () -> {
              store.deletePart(p);
              return null;
            });
            synchronized (rep) {
              rep.deletedParts++;
              rep.requests++;
            }
          } catch (IOException e) {
            synchronized (rep) {
              rep.failed.add(p.ownerKey() + " part " + p.id() + ": " + e.getMessage());
            }
          }
        }));
      }
      await(fs);
    } finally {
      pool.shutdownNow();
    }
  }

  private static void await(List<Future<?>> fs) throws PantriException {
    for (Future<?> f : fs) {
      try {
        f.get();
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new PantriException(Category.INTERRUPTED, "interrupted");
      }
    }
  }
}
