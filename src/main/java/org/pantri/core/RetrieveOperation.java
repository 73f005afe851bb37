package org.pantri.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
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
import org.pantri.repo.GitObjects;
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
      String head = pull(req);
      result.commit = head;
      if (head == null) {
        throw new PantriException(Category.REPO, repo.root() + " has no commits yet; nothing to retrieve");
      }
      if (req.pitem() != null) {
        retrieveOne(req, head, result);
        return result;
      }
      List<String> shelves = shelves(req, head);
      // Shelves may have their own destinations; each destination is locked and tracked on its own.
      Map<Path, List<String>> byDest = new LinkedHashMap<>();
      Map<String, Options> opts = new LinkedHashMap<>();
      for (String s : shelves) {
        Options o = options(s.equals(TOP) ? null : s);
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
    } finally {
      if (gitObjects != null) {
        gitObjects.close();
        gitObjects = null;
      }
    }
  }

  /**
   * Pulls, and returns the commit to sync: HEAD after the pull. A dry run fetches instead and plans
   * against the upstream commit, so it shows what the pull would bring, without merging anything.
   */
  private String pull(RetrieveRequest req) throws IOException {
    if (!req.pull()) {
      return repo.git().head();
    }
    // two retrieves in one clone (to two destinations) take turns at git: concurrent pulls race
    // on FETCH_HEAD ("Cannot fast-forward to multiple branches")
    Path lockFile = repo.git().gitDir().resolve("pantri").resolve("pull.lock");
    Files.createDirectories(lockFile.getParent());
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(lockFile,
            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
        java.nio.channels.FileLock held = ch.lock()) {
      return pullLocked(req);
    }
  }

  private String pullLocked(RetrieveRequest req) throws IOException {
    if (req.pull() && repo.git().hasUpstream()) {
      if (req.dryRun()) {
        repo.git().fetch();
        String upstream = repo.git().revParse("@{u}");
        ctx.reporter().info("dry run: fetched; planning against the upstream commit "
            + upstream.substring(0, 12) + " (nothing merged)");
        return upstream;
      }
      org.pantri.repo.Git.Pulled pulled = repo.git().pull();
      if (pulled.moved()) {
        // The pull may have changed pantri.toml: the options of this run are those of the new commit.
        repo.reloadConfig();
      }
      return pulled.head();
    } else if (req.pull()) {
      ctx.reporter().info("no upstream branch to pull from; using the current checkout");
    }
    return repo.git().head();
  }

  /**
   * The shelves of the commit (directories under shelves/, hidden ones excluded) — never of the
   * work tree — plus {@link #TOP} for files directly under shelves/ when every shelf is wanted.
   */
  private List<String> shelves(RetrieveRequest req, String commit) throws IOException, PantriException {
    List<String> all = new ArrayList<>();
    boolean top = false;
    for (Map.Entry<String, Boolean> e : objects().children(commit, Repository.SHELVES).entrySet()) {
      if (!e.getValue()) {
        top = true;
      } else if (!e.getKey().startsWith(".")) {
        all.add(e.getKey());
      }
    }
    if (req.shelves().isEmpty()) {
      if (top) {
        all.add(TOP);
      }
      return all;
    }
    for (String s : req.shelves()) {
      if (!all.contains(s)) {
        throw new PantriException(Category.USAGE, "no shelf named '" + s + "' under shelves/ at "
            + commit.substring(0, 12) + (all.isEmpty() ? "" : "; shelves are: " + String.join(", ", all)));
      }
    }
    return req.shelves();
  }

  private Options options(String shelf) throws PantriException {
    return Stores.options(repo, ctx, shelf);
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
    Options first = opts.get(shelves.get(0));
    boolean atomic = Boolean.parseBoolean(first.raw().getOrDefault("atomic", "false"));
    if (atomic && inPlace) {
      throw new PantriException(Category.USAGE, "an in-place retrieve cannot be atomic; drop --atomic (or atomic = true)");
    }
    Generations gens = atomic ? Generations.at(dest) : null;
    if (gens != null && !req.dryRun() && DestinationCheck.realish(gens.directory()).startsWith(repo.root())) {
      repo.excludeLocally(List.of(repo.root().relativize(DestinationCheck.realish(gens.directory())) + "/"));
    }
    Path stateDir = stateDir(dest);
    Path lockFile = gens != null ? gens.directory().resolve(".pantri-lock") : stateDir.resolve("lock");
    DestinationLock lock = req.dryRun() ? null : DestinationLock.acquire(lockFile, "destination " + dest);
    Path gen = null;
    int failedBefore = result.failed.size();
    try {
      DestTree tree = new DestTree(dest);
      if (gens != null) {
        // build the next generation beside the live one; DEST keeps serving the old tree meanwhile
        gen = req.dryRun() ? gens.live() : gens.begin();
        if (gen == null) {
          gen = gens.directory().resolve("none-yet");
        }
        tree = new DestTree(gen);
        stateDir = gen.resolve(".pantri");
      }
      SyncState state = SyncState.load(stateDir);
      for (String shelf : shelves) {
        if (ctx.cancel().isCancelled()) {
          return;
        }
        syncShelf(shelf, opts.get(shelf), tree, stateDir, state, head, req, stores, result, false);
      }
      if (req.shelves().isEmpty()) {
        // shelves synced here before but gone from the commit (git rm -r shelves/x): their files go too
        for (String key : state.shelves()) {
          String shelf = key.equals(TOP_STATE) ? TOP : key;
          if (!shelves.contains(shelf) && !ctx.cancel().isCancelled()) {
            syncShelf(shelf, options(shelf.equals(TOP) ? null : shelf), tree, stateDir, state, head, req, stores,
                result, !shelf.equals(TOP));
          }
        }
      }
      if (gens != null && !req.dryRun()) {
        if (result.failed.size() == failedBefore && !ctx.cancel().isCancelled()) {
          int keep = (int) Math.max(1, Long.parseLong(first.raw().getOrDefault("keep_generations", "2").trim()));
          gens.commit(gen, keep);
          ctx.reporter().info(dest + " now serves generation " + gen.getFileName() + " (" + head.substring(0, 12)
              + "); the previous one stays for pantri rollback");
          gen = null;
        } else {
          ctx.reporter().warn(dest + " still serves the previous generation: this one is incomplete; rerun to finish");
        }
      }
    } catch (NumberFormatException e) {
      throw new PantriException(Category.REPO, "keep_generations must be a whole number", e);
    } finally {
      if (gen != null && gens != null && !req.dryRun()) {
        gens.abandon(gen);
      }
      if (lock != null) {
        lock.close();
      }
    }
  }

  /** The pseudo-shelf of files directly under shelves/ (they belong to no shelf); its state key. */
  static final String TOP = "";
  private static final String TOP_STATE = "/";

  private static String stateKey(String shelf) {
    return shelf.equals(TOP) ? TOP_STATE : shelf;
  }

  /**
   * Syncs one shelf (or {@link #TOP}, or a shelf removed from git: then {@code gone}) to what
   * {@code head} holds: contents from git's objects, git's executable bit, every deletion.
   */
  private void syncShelf(String shelf, Options o, DestTree tree, Path stateDir, SyncState state,
      String head, RetrieveRequest req, Stores.Cache stores, Result result, boolean gone)
      throws IOException, PantriException {
    String label = shelf.equals(TOP) ? "shelves/ (files outside any shelf)" : shelf;
    String last = state.commit(stateKey(shelf));
    if (!req.force() && head.equals(last)) {
      result.upToDateShelves.add(shelf.equals(TOP) ? TOP_STATE : shelf);
      ctx.reporter().info(label + ": already up to date at " + head.substring(0, 12)
          + " (use --force to check every file)");
      return;
    }
    boolean known = last != null && repo.git().commitExists(last);
    boolean full = req.force() || gone && !known;
    List<GitObjects.Change> changes = changes(shelf, last, known, head, full);
    boolean listedWhole = shelf.equals(TOP) || full || !known;
    int refusedBefore = result.refused.size();
    List<RetrievePlanner.WantedObject> objects = new ArrayList<>();
    List<RetrievePlanner.WantedFile> files = new ArrayList<>();
    Set<String> removed = new HashSet<>();
    Map<String, String> local = new HashMap<>();
    boolean inPlace = inPlace(tree.root());
    // the pitems of this change, read from git in one batch
    List<String> pitemBlobs = new ArrayList<>();
    for (GitObjects.Change c : changes) {
      if (c.status() != 'D' && c.entry().regular() && c.entry().path().endsWith(PitemCodec.SUFFIX)) {
        pitemBlobs.add(c.entry().blob());
      }
    }
    Map<String, byte[]> pitemBytes = objects().readAll(pitemBlobs, PitemCodec.MAX_PITEM_BYTES);
    for (GitObjects.Change c : changes) {
      GitObjects.Entry e = c.entry();
      String rel = e.path().substring(SHELVES_PREFIX.length());
      boolean isPitem = rel.endsWith(PitemCodec.SUFFIX);
      String target = isPitem ? RetrievePlanner.binaryPathOfPitem(rel) : rel;
      if (c.status() == 'D') {
        removed.add(target);
        if (isPitem && e.regular()) {
          oldContent(tree, e, target, local);
        }
        continue;
      }
      if (target.indexOf('\uFFFD') >= 0) {
        // Java cannot name the file git has: it would arrive under another name
        refuse(result, NameRules.escape(e.path()) + ": name is not valid UTF-8; rename it in git");
        continue;
      }
      if (!e.regular()) {
        refuse(result, NameRules.escape(e.path()) + (e.symlink() ? ": symbolic link" : ": submodule or special entry")
            + ", not copied (pantri syncs regular files)");
        continue;
      }
      if (isPitem) {
        try {
          // DEST gets the name git has; a key that matched it only after NFC must not rename the file
          byte[] bytes = pitemBytes.get(e.blob());
          if (bytes == null) {
            throw new PitemException(e.path() + ": more than " + PitemCodec.MAX_PITEM_BYTES + " bytes is too large for a pitem");
          }
          objects.add(new RetrievePlanner.WantedObject(PitemCodec.decode(bytes, target, e.path()).withPath(target)));
        } catch (PitemException ex) {
          refuse(result, ex.getMessage());
        }
      } else if (!inPlace) {
        files.add(new RetrievePlanner.WantedFile(rel, e.blob(), e.size() >= 0 ? e.size() : objects().size(e.blob()),
            e.executable()));
      }
    }
    // A pitem whose binary would overwrite a committed file (or link) of the same name is refused,
    // whether that file came with this change or long before, in place or not.
    Set<String> tracked = new HashSet<>();
    if (!objects.isEmpty()) {
      // a whole listing of the commit is at hand already: no second ls-tree of 10,000 entries
      List<GitObjects.Entry> all = new ArrayList<>();
      if (listedWhole) {
        changes.stream().filter(c -> c.status() != 'D').forEach(c -> all.add(c.entry()));
      } else {
        all.addAll(objects().lsTree(head, spec(shelf)));
      }
      for (GitObjects.Entry e : all) {
        if (!e.path().endsWith(PitemCodec.SUFFIX)) {
          tracked.add(e.path().substring(SHELVES_PREFIX.length()));
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
      DestFact f = fact(tree, w.pitem().path(), o.checksum() ? w.pitem() : null, null);
      facts.put(w.pitem().path(), f);
      if (RetrievePlanner.objectCurrent(w.pitem(), f, o.checksum())) {
        local.putIfAbsent(RetrievePlanner.contentKey(w.pitem()), w.pitem().path());
      }
    }
    for (RetrievePlanner.WantedFile f : files) {
      facts.put(f.path(), fact(tree, f.path(), null, f));
    }
    RetrievePlanner.Plan base = RetrievePlanner.plan(objects, files, removed, facts, o.checksum(), o.layout());
    if (!base.downloads().isEmpty() && !shelf.equals(TOP) && !gone) {
      unchangedContent(tree, shelf, head, base, local);
    }
    RetrievePlanner.Plan plan = RetrievePlanner.withReuse(base, local);
    if (req.dryRun()) {
      plan.downloads().forEach(d -> result.retrieved.add(abs(tree, d.pitem().path())));
      plan.reuses().forEach(r -> result.retrieved.add(abs(tree, r.download().pitem().path())));
      plan.copies().forEach(c -> result.copied.add(abs(tree, c.path())));
      plan.deletes().forEach(d -> result.removed.add(abs(tree, d)));
      plan.reuses().stream().filter(RetrievePlanner.Reuse::move).forEach(r -> result.removed.add(abs(tree, r.source())));
      return;
    }
    int failedBefore = result.failed.size();
    // the plan is said before the work, so a long run's log tells what it is doing
    ctx.reporter().info(label + ": " + plan.downloads().size() + " to download, "
        + (plan.reuses().isEmpty() ? "" : plan.reuses().size() + " to reuse from DEST, ") + plan.copies().size()
        + " to copy, " + plan.deletes().size() + " to remove, " + plan.upToDate() + " up to date");
    int[] before = {result.retrieved.size(), result.copied.size(), result.removed.size()};
    apply(plan, tree, o, stateDir, stores, result, shelf);
    reportFiles(result, before);
    boolean clean = result.failed.size() == failedBefore && result.refused.size() == refusedBefore;
    if (clean && !ctx.cancel().isCancelled()) {
      if (gone) {
        Path dir = tree.root().resolve(shelf);
        try (var st = Files.list(dir)) {
          if (st.findAny().isEmpty()) {
            Files.delete(dir);
          }
        } catch (java.nio.file.NoSuchFileException ignored) {
          // nothing left of it already
        }
        state.forget(stateKey(shelf));
        ctx.reporter().info(label + ": removed from git; its files are gone from " + tree.root());
      } else {
        state.record(stateKey(shelf), head);
      }
    } else {
      String todo = result.refused.size() > refusedBefore && result.failed.size() == failedBefore
          && !ctx.cancel().isCancelled()
          ? "fix or remove the refused files in git, then rerun" : "rerun to finish";
      ctx.reporter().warn(label + ": not recorded as synced at " + head.substring(0, 12) + "; " + todo);
    }
  }

  private static String spec(String shelf) {
    return shelf.equals(TOP) ? SHELVES_PREFIX : SHELVES_PREFIX + shelf + "/";
  }

  /**
   * What to look at: git's changes since the last synced commit, or (first run, --force, unknown
   * commit) everything at {@code head} plus what was deleted since {@code last}.
   */
  private List<GitObjects.Change> changes(String shelf, String last, boolean known, String head, boolean full)
      throws IOException {
    List<GitObjects.Change> out = new ArrayList<>();
    if (shelf.equals(TOP)) {
      // a handful of files: compared whole, never through a recursive diff of every shelf
      Set<String> now = new HashSet<>();
      for (GitObjects.Entry e : topEntries(head)) {
        now.add(e.path());
        out.add(new GitObjects.Change('A', e));
      }
      if (known) {
        for (GitObjects.Entry e : topEntries(last)) {
          if (!now.contains(e.path())) {
            out.add(new GitObjects.Change('D', e));
          }
        }
      }
      return out;
    }
    if (known && !full) {
      return objects().diff(last, head, spec(shelf));
    }
    for (GitObjects.Entry e : objects().lsTree(head, spec(shelf))) {
      out.add(new GitObjects.Change('A', e));
    }
    if (known) {
      for (GitObjects.Change c : objects().diff(last, head, spec(shelf))) {
        if (c.status() == 'D') {
          out.add(c);
        }
      }
    }
    return out;
  }

  /** Files (not directories) directly under shelves/ at {@code commit}. */
  private List<GitObjects.Entry> topEntries(String commit) throws IOException {
    return objects().list(commit, SHELVES_PREFIX).stream().filter(e -> e.mode() != 040000).toList();
  }

  /**
   * Content the downloads need may sit in DEST under a path this change does not touch (a copy of
   * an existing file): the shelf's pitems at {@code head} are read from git (only when something is
   * to be downloaded) and those matching a wanted content whose DEST file is current are offered.
   */
  private void unchangedContent(DestTree tree, String shelf, String head, RetrievePlanner.Plan plan,
      Map<String, String> local) throws IOException {
    Set<String> wanted = new HashSet<>();
    plan.downloads().forEach(d -> wanted.add(RetrievePlanner.contentKey(d.pitem())));
    wanted.removeAll(local.keySet());
    if (wanted.isEmpty()) {
      return;
    }
    Set<String> downloading = new HashSet<>();
    plan.downloads().forEach(d -> downloading.add(d.pitem().path()));
    for (GitObjects.Entry e : objects().lsTree(head, spec(shelf))) {
      if (!e.regular() || !e.path().endsWith(PitemCodec.SUFFIX) || wanted.isEmpty()) {
        continue;
      }
      String target = RetrievePlanner.binaryPathOfPitem(e.path().substring(SHELVES_PREFIX.length()));
      if (downloading.contains(target)) {
        continue;
      }
      try {
        Pitem p = PitemCodec.decode(objects().read(e.blob(), PitemCodec.MAX_PITEM_BYTES), target, e.path());
        String key = RetrievePlanner.contentKey(p);
        if (wanted.contains(key) && RetrievePlanner.objectCurrent(p, fact(tree, target, null, null), false)) {
          local.put(key, target);
          wanted.remove(key);
        }
      } catch (PitemException | RuntimeException ignored) {
        // not a source then
      }
    }
  }

  /**
   * A pitem this change deletes may free content DEST already has at its path (a rename or a
   * move): remembered, when DEST's file still matches the old pitem, so it can be reused.
   */
  private void oldContent(DestTree tree, GitObjects.Entry e, String target, Map<String, String> local) {
    try {
      Pitem old = PitemCodec.decode(objects().read(e.blob(), PitemCodec.MAX_PITEM_BYTES), target, e.path());
      if (RetrievePlanner.objectCurrent(old, fact(tree, target, null, null), false)) {
        local.putIfAbsent(RetrievePlanner.contentKey(old), target);
      }
    } catch (IOException | PitemException | RuntimeException ignored) {
      // an unreadable old pitem only means no reuse: the content is downloaded
    }
  }

  private GitObjects gitObjects;

  private GitObjects objects() {
    if (gitObjects == null) {
      gitObjects = new GitObjects(repo.root());
    }
    return gitObjects;
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

  private DestFact fact(DestTree tree, String rel, Pitem hashAgainst, RetrievePlanner.WantedFile text) {
    try {
      Path p = tree.resolve(rel);
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      String sha = null;
      if (hashAgainst != null && a.isRegularFile() && a.size() == hashAgainst.fileSize()) {
        sha = Hasher.hash(p).sha256();
      }
      String blob = null;
      boolean exec = false;
      if (text != null && a.isRegularFile() && a.size() == text.size()) {
        blob = GitBlobs.id(p);
      }
      if (text != null && a.isRegularFile()) {
        exec = Files.isExecutable(p);
      }
      return new DestFact(true, a.isRegularFile(), a.size(),
          org.pantri.store.FileTimes.pythonSeconds(a.lastModifiedTime()), sha, blob, exec);
    } catch (IOException e) {
      return DestFact.ABSENT;
    }
  }

  private void apply(RetrievePlanner.Plan plan, DestTree tree, Options o, Path stateDir, Stores.Cache stores,
      Result result, String shelf) throws PantriException {
    // content DEST already has first: its sources may be among the deletes
    List<RetrievePlanner.Download> downloads = new ArrayList<>(plan.downloads());
    List<RetrievePlanner.Reuse> reuses = new ArrayList<>(plan.reuses());
    reuses.sort((a, b) -> Boolean.compare(a.move(), b.move())); // copies from a source before it moves
    List<String> toDelete = new ArrayList<>(plan.deletes());
    for (RetrievePlanner.Reuse r : reuses) {
      if (ctx.cancel().isCancelled()) {
        return;
      }
      if (!reuse(r, tree, result)) {
        downloads.add(r.download());
        if (r.move()) {
          toDelete.add(r.source()); // it was to move away; its old path still goes
        }
      }
    }
    List<TransferEngine.DeleteJob> deletes = new ArrayList<>();
    for (String rel : toDelete) {
      deletes.add(new TransferEngine.DeleteJob(rel, () -> {
        Path p = tree.resolve(rel);
        Path stop = shelf.equals(TOP) || !rel.contains("/") ? tree.root() : tree.resolve(Repository.shelfOf(rel));
        return tree.delete(p, stop) ? p : null;
      }));
    }
    List<TransferEngine.CopyJob> copies = new ArrayList<>();
    for (RetrievePlanner.Copy c : plan.copies()) {
      copies.add(new TransferEngine.CopyJob(c.path(), tmp -> {
        try (java.io.OutputStream out = Files.newOutputStream(tmp, java.nio.file.StandardOpenOption.CREATE_NEW)) {
          objects().copy(c.blob(), out);
        }
        // git's mode: 755 for an executable, 644 otherwise
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString(
            c.executable() ? "rwxr-xr-x" : "rw-r--r--"));
      }, c.size(), () -> tree.parentFor(tree.resolve(c.path()))));
    }
    // Local work needs no store: a shelf of text files syncs without opening one.
    try (TransferEngine local = new TransferEngine(null, 1, RetryPolicy.of(o.retries()), ctx.progress(),
        ctx.cancel())) {
      result.failed.addAll(local.sync(deletes, copies, t -> result.copied.add(t.toString()),
          p -> result.removed.add(p.toString())));
    }
    plan = new RetrievePlanner.Plan(downloads, plan.copies(), plan.deletes(), plan.upToDate());
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

  /**
   * Puts content DEST already holds at the download's path, after checking its SHA-256: moved when
   * its old path goes away, copied otherwise. False (download it instead) when the bytes there are
   * not what the pitem says or the local step fails.
   */
  private boolean reuse(RetrievePlanner.Reuse r, DestTree tree, Result result) {
    Pitem p = r.download().pitem();
    try {
      Path source = tree.resolve(r.source());
      Path target = tree.parentFor(tree.resolve(p.path()));
      if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
        return false;
      }
      java.nio.file.attribute.FileTime mtime = java.nio.file.attribute.FileTime.fromMillis(p.modifiedTime() * 1000);
      boolean sameTime = org.pantri.store.FileTimes.pythonSeconds(Files.getLastModifiedTime(source)) == p.modifiedTime();
      if (r.move() && sameTime) {
        // a rename: the file itself moves, untouched (it may be hard-linked into a live generation)
        if (!Hasher.hash(source).sha256().equals(p.sha256())) {
          return false;
        }
        AtomicFiles.moveAtomic(source, target);
        result.removed.add(source.toString());
      } else {
        AtomicFiles.write(target, tmp -> {
          Files.copy(source, tmp);
          if (!Hasher.hash(tmp).sha256().equals(p.sha256())) {
            throw new IOException(r.source() + " no longer holds the content of " + p.path());
          }
          Files.setLastModifiedTime(tmp, mtime);
        });
        if (r.move()) {
          Files.deleteIfExists(source);
          result.removed.add(source.toString());
        }
      }
      result.retrieved.add(target.toString());
      result.reusedBytes.add(p.fileSize());
      return true;
    } catch (IOException e) {
      ctx.reporter().info(p.path() + ": not reused from " + r.source() + " (" + e.getMessage() + "); downloading it");
      return false;
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
    DestFact f = fact(tree, p.path(), o.checksum() ? p : null, null);
    RetrievePlanner.Plan plan = RetrievePlanner.plan(List.of(new RetrievePlanner.WantedObject(p)), List.of(),
        Set.of(), Map.of(p.path(), f), o.checksum(), o.layout());
    if (req.dryRun()) {
      plan.downloads().forEach(d -> result.retrieved.add(abs(tree, d.pitem().path())));
      return;
    }
    try (DestinationLock lock = DestinationLock.acquire(stateDir.resolve("lock"), "this repository's work tree");
        Stores.Cache stores = new Stores.Cache(ctx, repo.root(), true)) {
      int[] before = {result.retrieved.size(), result.copied.size(), result.removed.size()};
      apply(plan, tree, o, stateDir, stores, result, Repository.shelfOf(p.path()));
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
