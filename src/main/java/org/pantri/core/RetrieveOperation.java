package org.pantri.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pantri.core.PantriException.Category;
import org.pantri.io.AtomicFiles;
import org.pantri.pitem.Pitem;
import org.pantri.pitem.PitemCodec;
import org.pantri.pitem.PitemException;
import org.pantri.pitem.PythonJson;
import org.pantri.plan.RetrievePlanner;
import org.pantri.plan.RetrievePlanner.DestFact;
import org.pantri.repo.Git;
import org.pantri.repo.HostTrust;
import org.pantri.repo.Layout;
import org.pantri.repo.Options;
import org.pantri.repo.RepoException;
import org.pantri.repo.Repository;
import org.pantri.scan.Hasher;
import org.pantri.scan.NameRules;
import org.pantri.store.ObjectStore;
import org.pantri.transfer.DestinationLock;
import org.pantri.transfer.Failure;
import org.pantri.transfer.RetryPolicy;
import org.pantri.transfer.TransferEngine;

/** {@code pantri retrieve}: sync what the current commit describes into a destination (SPEC §5). */
public final class RetrieveOperation {
  private static final String SHELVES_PREFIX = Repository.SHELVES + "/";
  private final Repository repo;
  private final Context ctx;

  public RetrieveOperation(Repository repo, Context ctx) {
    this.repo = repo;
    this.ctx = ctx;
  }

  public Result run(RetrieveRequest req) throws PantriException {
    Result result = new Result();
    result.dryRun = req.dryRun();
    try {
      pull(req);
      String head = repo.git().head();
      result.commit = head;
      if (head == null) {
        throw new PantriException(Category.REPO, repo.root() + " has no commits yet; nothing to retrieve");
      }
      if (req.pitem() != null) {
        retrieveOne(req, head, result);
        return result;
      }
      List<String> shelves = shelves(req);
      // Shelves may have their own destinations; each destination is locked and tracked on its own.
      Map<Path, List<String>> byDest = new LinkedHashMap<>();
      Map<String, Options> opts = new LinkedHashMap<>();
      for (String s : shelves) {
        Options o = options(s);
        opts.put(s, o);
        byDest.computeIfAbsent(o.destSync(), k -> new ArrayList<>()).add(s);
      }
      try (Stores.Cache stores = new Stores.Cache(ctx, repo.root(), true)) {
        for (Map.Entry<Path, List<String>> e : byDest.entrySet()) {
          syncDestination(e.getKey(), e.getValue(), opts, head, req, stores, result);
          if (ctx.cancel().isCancelled()) {
            result.interrupted = true;
            break;
          }
        }
      }
      if (req.jsonReport() && !req.dryRun()) {
        writeJsonReport(req, opts, result);
      }
      return result;
    } catch (DestinationLock.HeldException e) {
      throw new PantriException(Category.LOCKED, e.getMessage(), e);
    } catch (RepoException e) {
      throw new PantriException(Category.REPO, e.getMessage(), e);
    } catch (IOException e) {
      throw new PantriException(Category.PARTIAL, e.getMessage(), e);
    }
  }

  private void pull(RetrieveRequest req) throws IOException {
    if (!req.pull()) {
      return;
    }
    if (req.dryRun()) {
      ctx.reporter().info("dry run: not pulling; planning against the current checkout");
      return;
    }
    if (!repo.git().hasUpstream()) {
      ctx.reporter().info("no upstream branch to pull from; using the current checkout");
      return;
    }
    repo.git().pull();
    // The pull may have changed pantri.toml: the options of this run are those of the new commit.
    repo.reloadConfig();
  }

  private List<String> shelves(RetrieveRequest req) throws IOException, PantriException {
    List<String> all = repo.shelfNames();
    if (req.shelves().isEmpty()) {
      return all;
    }
    for (String s : req.shelves()) {
      if (!all.contains(s)) {
        throw new PantriException(Category.USAGE, "no shelf named '" + s + "' under " + repo.shelves()
            + (all.isEmpty() ? "" : "; shelves are: " + String.join(", ", all)));
      }
    }
    return req.shelves();
  }

  private Options options(String shelf) throws PantriException {
    try {
      return repo.config().resolve(shelf, ctx.cliOptions(), repo.root(), ctx.dataDir());
    } catch (RepoException e) {
      throw new PantriException(Category.REPO, e.getMessage(), e);
    }
  }

  private HostTrust trust;

  private HostTrust trust() throws PantriException {
    if (trust == null) {
      try {
        trust = HostTrust.load(ctx.env(), Context.homeDir(ctx.env()));
      } catch (RepoException e) {
        throw new PantriException(PantriException.Category.REPO, e.getMessage(), e);
      }
    }
    return trust;
  }

  private boolean inPlace(Path dest) {
    try {
      return Files.exists(dest) && Files.isSameFile(dest, repo.shelves());
    } catch (IOException e) {
      return false;
    }
  }

  private Path stateDir(Path dest) throws IOException {
    return inPlace(dest) ? repo.git().gitDir().resolve("pantri") : dest.resolve(".pantri");
  }

  private void syncDestination(Path dest, List<String> shelves, Map<String, Options> opts, String head,
      RetrieveRequest req, Stores.Cache stores, Result result) throws IOException, PantriException {
    boolean fromRepoConfig = shelves.stream().anyMatch(s -> opts.get(s).raw().containsKey("dest_sync"))
        && !ctx.cliOptions().containsKey("dest_sync");
    boolean inPlace = inPlace(dest);
    DestinationCheck.check(repo, dest, fromRepoConfig, inPlace, trust(), shelves);
    if (!inPlace && DestinationCheck.realish(dest).startsWith(repo.root()) && !req.dryRun()) {
      // a destination inside the work tree (the default dest_sync/) must not show in git status
      repo.excludeLocally(List.of(repo.root().relativize(DestinationCheck.realish(dest)) + "/"));
    }
    Path stateDir = stateDir(dest);
    DestinationLock lock = req.dryRun() ? null
        : DestinationLock.acquire(stateDir.resolve("lock"), "destination " + dest);
    try {
      SyncState state = SyncState.load(stateDir);
      DestTree tree = new DestTree(dest);
      for (String shelf : shelves) {
        if (ctx.cancel().isCancelled()) {
          return;
        }
        syncShelf(shelf, opts.get(shelf), tree, stateDir, state, head, req, stores, result);
      }
    } finally {
      if (lock != null) {
        lock.close();
      }
    }
  }

  private void syncShelf(String shelf, Options o, DestTree tree, Path stateDir, SyncState state,
      String head, RetrieveRequest req, Stores.Cache stores, Result result)
      throws IOException, PantriException {
    String last = state.commit(shelf);
    if (!req.force() && head.equals(last)) {
      result.upToDateShelves.add(shelf);
      ctx.reporter().info(shelf + ": already up to date at " + head.substring(0, 12)
          + " (use --force to check every file)");
      return;
    }
    Git git = repo.git();
    String spec = SHELVES_PREFIX + shelf + "/";
    boolean known = last != null && git.commitExists(last);
    List<Git.Change> changes = new ArrayList<>();
    Set<String> removed = new HashSet<>();
    if (known && !req.force()) {
      changes.addAll(git.diff(last, head, spec));
    } else {
      for (String p : git.lsFiles(spec)) {
        changes.add(new Git.Change('A', p));
      }
      if (known) {
        for (Git.Change c : git.diff(last, head, spec)) {
          if (c.status() == 'D') {
            changes.add(c);
          }
        }
      }
    }
    int refusedBefore = result.refused.size();
    List<RetrievePlanner.WantedObject> objects = new ArrayList<>();
    List<RetrievePlanner.WantedFile> files = new ArrayList<>();
    boolean inPlace = inPlace(tree.root());
    for (Git.Change c : changes) {
      String rel = c.path().substring(SHELVES_PREFIX.length());
      boolean isPitem = rel.endsWith(PitemCodec.SUFFIX);
      String target = isPitem ? RetrievePlanner.binaryPathOfPitem(rel) : rel;
      if (c.status() == 'D') {
        removed.add(target);
        continue;
      }
      if (target.indexOf('\uFFFD') >= 0) {
        // Java cannot name the file git has: it would arrive under another name
        refuse(result, NameRules.escape(c.path()) + ": name is not valid UTF-8; rename it in git");
        continue;
      }
      Path source = repo.root().resolve(c.path());
      if (isPitem) {
        try {
          // DEST gets the name git has; a key that matched it only after NFC must not rename the file
          objects.add(new RetrievePlanner.WantedObject(PitemCodec.read(source, target).withPath(target)));
        } catch (PitemException e) {
          refuse(result, e.getMessage());
        } catch (java.nio.file.NoSuchFileException e) {
          refuse(result, c.path() + ": tracked in git but missing from the work tree");
        }
      } else if (!inPlace) {
        BasicFileAttributes a;
        try {
          a = Files.readAttributes(source, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException e) {
          refuse(result, c.path() + ": tracked in git but missing from the work tree");
          continue;
        }
        if (!a.isRegularFile()) {
          refuse(result, c.path() + ": symbolic link or special file, not copied");
          continue;
        }
        files.add(new RetrievePlanner.WantedFile(rel, source, a.size(), org.pantri.store.FileTimes.pythonSeconds(a.lastModifiedTime())));
      }
    }
    // A pitem whose binary would overwrite a committed file (or link) of the same name is refused,
    // whether that file came with this change or long before, in place or not.
    Set<String> tracked = new HashSet<>();
    if (!objects.isEmpty()) {
      for (String p : git.lsFiles(":(literal)" + spec)) {
        if (!p.endsWith(PitemCodec.SUFFIX)) {
          tracked.add(p.substring(SHELVES_PREFIX.length()));
        }
      }
    }
    objects.removeIf(w -> {
      if (tracked.contains(w.pitem().path())) {
        refuse(result, SHELVES_PREFIX + w.pitem().path() + ".pitem: a committed file has the same name");
        return true;
      }
      return false;
    });
    // Names equal after Unicode normalization would be one file on macOS: deliver neither silently.
    List<String> wantedPaths = new ArrayList<>();
    objects.forEach(w -> wantedPaths.add(w.pitem().path()));
    files.forEach(f -> wantedPaths.add(f.path()));
    Map<String, String> twins = NameRules.normalizationTwins(wantedPaths);
    if (!twins.isEmpty()) {
      objects.removeIf(w -> twins.containsKey(w.pitem().path()));
      files.removeIf(f -> twins.containsKey(f.path()));
      twins.forEach((p, why) -> refuse(result, NameRules.escape(SHELVES_PREFIX + p) + ": " + why));
    }
    Map<String, DestFact> facts = new LinkedHashMap<>();
    for (RetrievePlanner.WantedObject w : objects) {
      facts.put(w.pitem().path(), fact(tree, w.pitem().path(), o.checksum() ? w.pitem() : null));
    }
    for (RetrievePlanner.WantedFile f : files) {
      facts.put(f.path(), fact(tree, f.path(), null));
    }
    RetrievePlanner.Plan plan = RetrievePlanner.plan(objects, files, removed, facts, o.checksum(), o.layout());
    if (req.dryRun()) {
      plan.downloads().forEach(d -> result.retrieved.add(abs(tree, d.pitem().path())));
      plan.copies().forEach(c -> result.copied.add(abs(tree, c.path())));
      plan.deletes().forEach(d -> result.removed.add(abs(tree, d)));
      return;
    }
    int failedBefore = result.failed.size();
    // the plan is said before the work, so a long run's log tells what it is doing
    ctx.reporter().info(shelf + ": " + plan.downloads().size() + " to download, " + plan.copies().size()
        + " to copy, " + plan.deletes().size() + " to remove, " + plan.upToDate() + " up to date");
    int[] before = {result.retrieved.size(), result.copied.size(), result.removed.size()};
    apply(plan, tree, o, stateDir, stores, result);
    reportFiles(result, before);
    boolean clean = result.failed.size() == failedBefore && result.refused.size() == refusedBefore;
    if (clean && !ctx.cancel().isCancelled()) {
      state.record(shelf, head);
    } else {
      ctx.reporter().warn(shelf + ": not recorded as synced at " + head.substring(0, 12) + "; rerun to finish");
    }
  }

  /** One line per file this step changed in DEST (at info: the console off -q, and the log file). */
  private void reportFiles(Result result, int[] before) {
    List<List<String>> lists = List.of(result.retrieved, result.copied, result.removed);
    String[] verbs = {"retrieved ", "copied ", "removed "};
    for (int i = 0; i < lists.size(); i++) {
      List<String> l = lists.get(i);
      List<String> added;
      synchronized (l) {
        added = List.copyOf(l.subList(Math.min(before[i], l.size()), l.size()));
      }
      for (String path : added) {
        ctx.reporter().info(verbs[i] + NameRules.escape(path));
      }
    }
  }

  private static String abs(DestTree tree, String rel) {
    return tree.root().resolve(rel).toString();
  }

  private void refuse(Result result, String message) {
    result.refused.add(message);
    ctx.reporter().warn("refused " + message);
  }

  private DestFact fact(DestTree tree, String rel, Pitem hashAgainst) {
    try {
      Path p = tree.resolve(rel);
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      String sha = null;
      if (hashAgainst != null && a.isRegularFile() && a.size() == hashAgainst.fileSize()) {
        sha = Hasher.hash(p).sha256();
      }
      return new DestFact(true, a.isRegularFile(), a.size(), org.pantri.store.FileTimes.pythonSeconds(a.lastModifiedTime()), sha);
    } catch (IOException e) {
      return DestFact.ABSENT;
    }
  }

  private void apply(RetrievePlanner.Plan plan, DestTree tree, Options o, Path stateDir, Stores.Cache stores,
      Result result) throws PantriException {
    List<TransferEngine.DeleteJob> deletes = new ArrayList<>();
    for (String rel : plan.deletes()) {
      deletes.add(new TransferEngine.DeleteJob(rel, () -> {
        Path p = tree.resolve(rel);
        return tree.delete(p, tree.resolve(Repository.shelfOf(rel))) ? p : null;
      }));
    }
    List<TransferEngine.CopyJob> copies = new ArrayList<>();
    for (RetrievePlanner.Copy c : plan.copies()) {
      copies.add(new TransferEngine.CopyJob(c.path(), c.source(), c.size(),
          () -> tree.parentFor(tree.resolve(c.path()))));
    }
    // Local work needs no store: a shelf of text files syncs without opening one.
    try (TransferEngine local = new TransferEngine(null, 1, RetryPolicy.of(o.retries()), ctx.progress(),
        ctx.cancel())) {
      result.failed.addAll(local.sync(deletes, copies, t -> result.copied.add(t.toString()),
          p -> result.removed.add(p.toString())));
    }
    if (plan.downloads().isEmpty()) {
      return;
    }
    List<TransferEngine.DownloadJob> jobs = new ArrayList<>();
    // One job per content (SHA-256 and size): the same bytes wanted at several paths are fetched
    // once, whatever the keys (the path layout stores them once per path), and pitems that agree on
    // the SHA-256 but not on the size are separate jobs, so the wrong one fails by its own name.
    for (List<RetrievePlanner.Download> group : RetrievePlanner.byContent(plan.downloads()).values()) {
      List<TransferEngine.Target> targets = new ArrayList<>();
      Pitem first = group.get(0).pitem();
      List<String> fallbacks = new ArrayList<>();
      for (RetrievePlanner.Download d : group) {
        try {
          targets.add(new TransferEngine.Target(tree.parentFor(tree.resolve(d.pitem().path())),
              d.pitem().modifiedTime(), d.pitem().path()));
        } catch (IOException ex) {
          result.failed.add(new Failure(d.pitem().path(), d.pitem().path() + ": " + ex.getMessage(), Failure.Kind.LOCAL));
        }
        if (!d.key().equals(group.get(0).key()) && !fallbacks.contains(d.key())) {
          fallbacks.add(d.key()); // the same content under another key (path layout)
        }
      }
      if (o.layout() == Layout.CONTENT) {
        // content layout reads containers the original tool filled too (objects named by path)
        fallbacks.add(Layout.PATH.key(first.path(), first.sha256()));
      }
      if (!targets.isEmpty()) {
        jobs.add(new TransferEngine.DownloadJob(group.get(0).key(), first.fileSize(), first.sha256(), targets,
            first.path(), fallbacks));
      }
    }
    ObjectStore store = stores.get(o);
    try (TransferEngine engine = new TransferEngine(store, o.jobs(), RetryPolicy.of(o.retries()),
        ctx.progress(), ctx.cancel())) {
      result.failed.addAll(engine.download(jobs, stateDir.resolve("partial"), j -> {
        j.targets().forEach(t -> result.retrieved.add(t.path().toString()));
        result.bytes.add(j.size());
      }));
    }
  }

  /** {@code -i}: one item, in place next to its pitem. */
  private void retrieveOne(RetrieveRequest req, String head, Result result) throws IOException, PantriException {
    Path pitemFile = req.pitem().toAbsolutePath().normalize();
    String rel;
    try {
      rel = repo.shelvesPath(pitemFile);
    } catch (RepoException e) {
      throw new PantriException(Category.USAGE, e.getMessage());
    }
    if (!rel.endsWith(PitemCodec.SUFFIX) || !Files.isRegularFile(pitemFile, LinkOption.NOFOLLOW_LINKS)) {
      throw new PantriException(Category.USAGE, req.pitem() + " is not a .pitem file");
    }
    Pitem p;
    try {
      p = PitemCodec.read(pitemFile, RetrievePlanner.binaryPathOfPitem(rel));
    } catch (PitemException e) {
      refuse(result, e.getMessage());
      return;
    }
    Options o = options(Repository.shelfOf(rel));
    DestTree tree = new DestTree(repo.shelves());
    Path stateDir = repo.git().gitDir().resolve("pantri");
    DestFact f = fact(tree, p.path(), o.checksum() ? p : null);
    RetrievePlanner.Plan plan = RetrievePlanner.plan(List.of(new RetrievePlanner.WantedObject(p)), List.of(),
        Set.of(), Map.of(p.path(), f), o.checksum(), o.layout());
    if (req.dryRun()) {
      plan.downloads().forEach(d -> result.retrieved.add(abs(tree, d.pitem().path())));
      return;
    }
    try (DestinationLock lock = DestinationLock.acquire(stateDir.resolve("lock"), "this repository's work tree");
        Stores.Cache stores = new Stores.Cache(ctx, repo.root(), true)) {
      int[] before = {result.retrieved.size(), result.copied.size(), result.removed.size()};
      apply(plan, tree, o, stateDir, stores, result);
      reportFiles(result, before);
    }
    if (plan.downloads().isEmpty()) {
      result.skipped.add(tree.root().resolve(p.path()).toString());
    }
  }

  /** The original's {@code <shelf>_updated_objects.json}, at the repository root. */
  private void writeJsonReport(RetrieveRequest req, Map<String, Options> opts, Result result) throws IOException {
    List<String> names = req.shelves().isEmpty() ? List.of("all") : req.shelves();
    for (String name : names) {
      List<String> retrieved = new ArrayList<>();
      List<String> removed = new ArrayList<>();
      for (String s : name.equals("all") ? opts.keySet() : List.of(name)) {
        String prefix = opts.get(s).destSync().resolve(s) + "/";
        synchronized (result.retrieved) {
          result.retrieved.stream().filter(x -> x.startsWith(prefix)).sorted().forEach(retrieved::add);
        }
        synchronized (result.removed) {
          result.removed.stream().filter(x -> x.startsWith(prefix)).sorted().forEach(removed::add);
        }
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("retrieved", retrieved);
      m.put("removed", removed);
      Path out = repo.root().resolve(name + "_updated_objects.json");
      repo.excludeLocally(List.of(out.getFileName().toString()));
      AtomicFiles.write(out, PythonJson.write(m).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      ctx.reporter().info("wrote " + out);
    }
  }
}
