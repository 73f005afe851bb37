package org.pantri.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.pantri.core.PantriException.Category;
import org.pantri.pitem.Pitem;
import org.pantri.pitem.PitemCodec;
import org.pantri.pitem.PitemException;
import org.pantri.plan.StorePlanner;
import org.pantri.repo.Options;
import org.pantri.repo.RepoException;
import org.pantri.repo.Repository;
import org.pantri.scan.Digests;
import org.pantri.scan.Hasher;
import org.pantri.scan.NameRules;
import org.pantri.scan.ShelfWalker;
import org.pantri.scan.StoreFilter;
import org.pantri.store.ObjectInfo;
import org.pantri.store.ObjectStore;
import org.pantri.store.PutMeta;
import org.pantri.transfer.Retrier;
import org.pantri.transfer.RetryPolicy;
import org.pantri.transfer.TransferEngine;

/** {@code pantri store}: upload binaries under shelves/ and write their pitems (SPEC §4). */
public final class StoreOperation {
  /** Above this many objects to check, one listing beats a request per object (unless stats are local). */
  static final int LIST_THRESHOLD = 16;

  private final Repository repo;
  private final Context ctx;

  public StoreOperation(Repository repo, Context ctx) {
    this.repo = repo;
    this.ctx = ctx;
  }

  /** Stores the files under {@code paths} (all of shelves/ when empty). */
  public Result run(List<Path> paths, boolean dryRun) throws PantriException {
    Result result = new Result();
    result.dryRun = dryRun;
    List<Path> starts = validate(paths);
    ShelfWalker.Result walked;
    try {
      walked = new ShelfWalker(repo.shelves()).walk(starts);
    } catch (IOException e) {
      throw new PantriException(Category.REPO, "cannot walk shelves: " + e.getMessage(), e);
    }
    walked.refused().forEach(r -> {
      result.refused.add(r);
      ctx.reporter().warn("refused " + r);
    });
    if (!dryRun) {
      removeLeftovers(walked.leftovers());
    }

    // Options may differ per shelf, and with them the store: group files by their options.
    Map<String, Options> optionsByShelf = new HashMap<>();
    Map<Options, List<ShelfWalker.Found>> groups = new LinkedHashMap<>();
    for (ShelfWalker.Found f : walked.files().values()) {
      // a file directly in shelves/ belongs to no shelf: the [default] options apply (as in the original)
      String shelf = f.shelvesPath().contains("/") ? Repository.shelfOf(f.shelvesPath()) : null;
      Options o = optionsByShelf.get(shelf);
      if (o == null) {
        o = options(shelf);
        optionsByShelf.put(shelf, o);
      }
      groups.computeIfAbsent(o, k -> new ArrayList<>()).add(f);
    }
    try (Stores.Cache stores = new Stores.Cache(ctx, repo.root(), false)) {
      try {
        for (Map.Entry<Options, List<ShelfWalker.Found>> g : groups.entrySet()) {
          storeGroup(g.getKey(), g.getValue(), dryRun, stores, result);
          if (ctx.cancel().isCancelled()) {
            result.interrupted = true;
            break;
          }
        }
      } finally {
        result.created.addAll(stores.reportCreated());
      }
    }
    return result;
  }

  /**
   * Deletes temporary files of runs that were killed (their writer process is gone); those of a
   * live process are another pantri's work in progress and stay. Never stored either way.
   */
  private void removeLeftovers(List<Path> leftovers) {
    int removed = 0;
    for (Path p : leftovers) {
      long pid = ShelfWalker.writerPid(p.getFileName().toString());
      if (pid > 0 && pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
        continue;
      }
      try {
        if (Files.deleteIfExists(p)) {
          removed++;
        }
      } catch (IOException e) {
        ctx.reporter().warn("could not remove " + p + ", a temporary file of an interrupted run: " + e.getMessage());
      }
    }
    if (removed > 0) {
      ctx.reporter().info("removed " + removed + " temporary file(s) left by an interrupted run");
    }
  }

  private Options options(String shelf) throws PantriException {
    return Stores.options(repo, ctx, shelf);
  }

  /** Every path must exist inside shelves/; checked before anything is uploaded. */
  private List<Path> validate(List<Path> paths) throws PantriException {
    if (!Files.isDirectory(repo.shelves())) {
      throw new PantriException(Category.REPO, repo.root() + " has no shelves/ directory;"
          + " create shelves/<shelf>/ and put packages there (or run pantri init)");
    }
    if (paths.isEmpty()) {
      return List.of(repo.shelves());
    }
    List<Path> out = new ArrayList<>();
    for (Path p : paths) {
      String rel;
      try {
        rel = repo.shelvesPath(p);
      } catch (RepoException e) {
        throw new PantriException(Category.USAGE, e.getMessage() + "; nothing was stored");
      }
      if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        throw new PantriException(Category.USAGE, p + ": no such file or directory; nothing was stored");
      }
      // Walk the path as it lies under the real repository root: a path reached through a link
      // (/alias -> the repo) would otherwise yield pitem keys like ../../alias/shelves/...
      out.add(rel.isEmpty() ? repo.shelves() : repo.shelves().resolve(rel));
    }
    return out;
  }

  private void storeGroup(Options o, List<ShelfWalker.Found> found, boolean dryRun, Stores.Cache stores,
      Result result) throws PantriException {
    StoreFilter filter = new StoreFilter(o.ignorePatterns(), o.binaryOverrides());
    List<StorePlanner.Item> items = hashAll(found, filter, o, result);
    if (items.isEmpty()) {
      return;
    }
    ObjectStore store = stores.get(o);
    StorePlanner.Plan plan = StorePlanner.plan(items, o.layout(), storeFacts(store, items, o));
    if (dryRun) {
      for (StorePlanner.Item it : plan.alreadyStored()) {
        if (!it.pitem().equals(it.previous())) {
          result.stored.add(repoPath(it));
        }
      }
      plan.uploads().forEach(u -> u.items().forEach(it -> result.stored.add(repoPath(it))));
      return;
    }
    TreeSet<String> binaries = new TreeSet<>();
    items.forEach(it -> binaries.add(it.path()));
    try {
      int pruned = repo.pruneIgnored();
      if (pruned > 0) {
        ctx.reporter().info("removed " + pruned + " line(s) of deleted or renamed binaries from .gitignore");
      }
      int added = repo.ignoreExactly(binaries) + repo.ignoreRepoPaths(Repository.SECRET_FILES);
      if (added > 0) {
        ctx.reporter().info("added " + added + " path(s) to .gitignore");
      }
    } catch (IOException e) {
      throw new PantriException(Category.REPO, "cannot update .gitignore: " + e.getMessage(), e);
    }
    for (StorePlanner.Item it : plan.alreadyStored()) {
      writePitem(it, result, false);
    }
    List<TransferEngine.UploadJob> jobs = new ArrayList<>();
    Map<TransferEngine.UploadJob, StorePlanner.Upload> byJob = new HashMap<>();
    for (StorePlanner.Upload u : plan.uploads()) {
      Pitem p = u.pitem();
      TransferEngine.UploadJob j = new TransferEngine.UploadJob(u.key(), u.source(),
          new PutMeta(p.fileSize(), p.modifiedTime(), p.sha256()), u.items().get(0).path());
      jobs.add(j);
      byJob.put(j, u);
    }
    try (TransferEngine engine = new TransferEngine(store, o.jobs(), RetryPolicy.of(o.retries()),
        ctx.progress(), ctx.cancel())) {
      result.failed.addAll(engine.upload(jobs, j -> {
        for (StorePlanner.Item it : byJob.get(j).items()) {
          writePitem(it, result, true);
        }
        result.bytes.add(j.meta().size());
      }));
    }
    untrackStoredBinaries(result);
    if (ctx.cancel().isCancelled()) {
      result.interrupted = true;
    }
  }

  /**
   * A binary committed before it was stored stays in git despite its .gitignore line: take it out
   * of the index (the file stays on disk) once its pitem exists, so the next commit carries the
   * pointer instead of the bytes.
   */
  private void untrackStoredBinaries(Result result) throws PantriException {
    List<String> withPitem = new ArrayList<>();
    synchronized (result.stored) {
      withPitem.addAll(result.stored);
    }
    synchronized (result.skipped) {
      withPitem.addAll(result.skipped);
    }
    try {
      List<String> untracked = repo.git().untrack(withPitem);
      if (!untracked.isEmpty()) {
        ctx.reporter().warn("removed " + untracked.size() + " stored binar" + (untracked.size() == 1 ? "y" : "ies")
            + " from git's index (git rm --cached; the files stay on disk), e.g. " + untracked.get(0)
            + ": commit to replace them by their pitems");
      }
    } catch (IOException e) {
      throw new PantriException(Category.REPO, "cannot update git's index: " + e.getMessage(), e);
    }
  }

  private String repoPath(StorePlanner.Item it) {
    return Repository.SHELVES + "/" + it.path();
  }

  private void writePitem(StorePlanner.Item it, Result result, boolean uploaded) {
    try {
      boolean same = it.pitem().equals(it.previous());
      if (!same) {
        // an unchanged pitem is left byte for byte as it is, whoever wrote it (Python 2's
        // json.dump left a space before each newline; rewriting would only make a diff)
        PitemCodec.write(it.file().resolveSibling(it.file().getFileName() + PitemCodec.SUFFIX), it.pitem());
      }
      if (uploaded || !same) {
        result.stored.add(repoPath(it));
        ctx.reporter().info("stored " + NameRules.escape(repoPath(it)) + (uploaded
            ? " (" + it.pitem().fileSize() + " bytes uploaded)" : " (pitem updated; the store had the object)"));
      } else {
        result.skipped.add(repoPath(it));
      }
    } catch (IOException e) {
      result.failed.add(new org.pantri.transfer.Failure(it.path(),
          it.path() + ": stored, but its pitem could not be written: " + e.getMessage(), org.pantri.transfer.Failure.Kind.LOCAL));
    }
  }

  /** Filters and hashes files on a few threads; hashes are reused from current pitems. */
  private List<StorePlanner.Item> hashAll(List<ShelfWalker.Found> found, StoreFilter filter, Options o,
      Result result) throws PantriException {
    Map<String, String> twins = NameRules.normalizationTwins(found.stream().map(ShelfWalker.Found::shelvesPath).toList());
    // the pitems the walk saw: whether a binary has one is known without a stat per file
    Set<String> walkedPitems = new java.util.HashSet<>();
    found.forEach(f -> {
      if (f.shelvesPath().endsWith(PitemCodec.SUFFIX)) {
        walkedPitems.add(f.shelvesPath());
      }
    });
    int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "pantri-hash");
      t.setDaemon(true);
      return t;
    });
    // hashing is a phase of its own on the progress line: a large first store spends minutes here
    ctx.progress().begin("hash", found.size(), found.stream().mapToLong(ShelfWalker.Found::size).sum());
    try {
      List<Future<StorePlanner.Item>> futures = new ArrayList<>();
      for (ShelfWalker.Found f : found) {
        futures.add(pool.submit(() -> {
          try {
            return classifyAndHash(f, filter, o, twins, walkedPitems, result);
          } finally {
            ctx.progress().bytes(f.size());
            ctx.progress().done(f.shelvesPath(), f.size());
          }
        }));
      }
      List<StorePlanner.Item> items = new ArrayList<>();
      for (Future<StorePlanner.Item> fu : futures) {
        try {
          StorePlanner.Item it = fu.get();
          if (it != null) {
            items.add(it);
          }
        } catch (java.util.concurrent.ExecutionException e) {
          Throwable c = e.getCause();
          result.failed.add(new org.pantri.transfer.Failure("?", String.valueOf(c.getMessage()), org.pantri.transfer.Failure.Kind.LOCAL));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new PantriException(Category.INTERRUPTED, "interrupted");
        }
      }
      ctx.progress().end();
      return items;
    } finally {
      pool.shutdownNow();
    }
  }

  private StorePlanner.Item classifyAndHash(ShelfWalker.Found f, StoreFilter filter, Options o,
      Map<String, String> twins, Set<String> walkedPitems, Result result) {
    String name = f.file().getFileName().toString();
    try {
      if (ctx.cancel().isCancelled()) {
        return null;
      }
      if (filter.skipByName(name) != null) {
        return null;
      }
      Pitem previous = null;
      if (walkedPitems.contains(f.shelvesPath() + PitemCodec.SUFFIX)) {
        try {
          previous = PitemCodec.read(f.file().resolveSibling(name + PitemCodec.SUFFIX), f.shelvesPath());
        } catch (PitemException e) {
          ctx.reporter().warn(e.getMessage() + "; it will be rewritten");
        } catch (java.nio.file.NoSuchFileException e) {
          // removed since the walk: as if it had never been there
        }
      }
      boolean reuse = StorePlanner.canReuseHashes(f.size(), f.mtimeSeconds(), previous, o.checksum());
      // A file whose pitem matches its size and mtime was stored as a binary and has not changed:
      // its head is not read again, as its hashes are not (--checksum looks at both).
      if (!reuse && !filter.storesContent(f.file(), name)) {
        return null;
      }
      String badName = NameRules.refusal(f.shelvesPath());
      if (badName == null) {
        badName = twins.get(f.shelvesPath());
      }
      if (badName != null) {
        String line = NameRules.escape(Repository.SHELVES + "/" + f.shelvesPath()) + ": " + badName;
        result.refused.add(line);
        ctx.reporter().warn("refused " + line);
        return null;
      }
      Pitem p;
      if (reuse) {
        p = previous;
      } else {
        Digests d = Hasher.hash(f.file());
        // The mtime and size are those seen before hashing: an edit during hashing shows up as
        // a mismatch after upload and fails that file instead of storing a wrong pointer.
        p = new Pitem(f.shelvesPath(), d.size(), f.mtimeSeconds(), d.sha1(), d.sha256(),
            previous == null ? Map.of() : previous.extra());
        if (d.size() != f.size()) {
          throw new IOException("changed while being hashed; run store again");
        }
      }
      return new StorePlanner.Item(f.file(), p, previous);
    } catch (IOException e) {
      result.failed.add(new org.pantri.transfer.Failure(f.shelvesPath(),
          f.shelvesPath() + ": " + e.getMessage(), org.pantri.transfer.Failure.Kind.LOCAL));
      return null;
    }
  }

  /**
   * What the store holds for each key the plan needs (absent keys are left out): one listing for
   * many keys, a stat each for a few, every call with retries. Gathered before planning, so the
   * planner only ever sees values.
   */
  private Map<String, StorePlanner.StoredFact> storeFacts(ObjectStore store, List<StorePlanner.Item> items,
      Options o) throws PantriException {
    Retrier retrier = Stores.retrier(o, ctx, store);
    Set<String> keys = StorePlanner.keys(items, o.layout());
    Map<String, StorePlanner.StoredFact> facts = new HashMap<>();
    try {
      if (items.size() > LIST_THRESHOLD && !store.cheapStat()) {
        String prefix = o.layout() == org.pantri.repo.Layout.CONTENT
            ? "sha256/" : commonShelfPrefix(items);
        for (ObjectInfo i : retrier.call("listing of " + store.describe(), () -> store.list(prefix))) {
          if (!keys.contains(i.key())) {
            continue;
          }
          if (i.mtimeSeconds() < 0 && o.layout() == org.pantri.repo.Layout.PATH) {
            // Listings carry no user metadata; in the path layout a same-size object needs its mtime.
            try {
              Optional<ObjectInfo> s = retrier.call(i.key(), () -> store.stat(i.key()));
              s.ifPresent(x -> facts.put(x.key(), fact(x)));
            } catch (org.pantri.store.AuthException e) {
              throw e;
            } catch (IOException e) {
              // left out: uploaded again, which costs time, never correctness
            }
          } else {
            facts.put(i.key(), fact(i));
          }
        }
        return facts;
      }
      for (StorePlanner.Item it : items) {
        String key = o.layout().key(it.path(), it.pitem().sha256());
        if (keys.remove(key)) {
          retrier.call(it.path(), () -> store.stat(key)).ifPresent(x -> facts.put(key, fact(x)));
        }
      }
      return facts;
    } catch (org.pantri.store.AuthException e) {
      throw new PantriException(Category.AUTH, e.getMessage(), e);
    } catch (IOException e) {
      throw new PantriException(Category.STORE, store.describe() + ": " + e.getMessage(), e);
    }
  }

  private static StorePlanner.StoredFact fact(ObjectInfo i) {
    return new StorePlanner.StoredFact(i.size(), i.mtimeSeconds());
  }

  private static String commonShelfPrefix(List<StorePlanner.Item> items) {
    String first = Repository.shelfOf(items.get(0).path());
    for (StorePlanner.Item it : items) {
      if (!it.path().contains("/") || !Repository.shelfOf(it.path()).equals(first)) {
        return "";
      }
    }
    return first + "/";
  }
}
