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
  private static final int CLASSIFY_CHUNK = 256;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StoreOperation.class);

  private final Repository repo;
  private final Context ctx;
  /** Every file the walk found, by shelves-relative path (pitems too). */
  private Map<String, ShelfWalker.Found> walked = Map.of();

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
    long t0 = System.nanoTime();
    try {
      walked = new ShelfWalker(repo.shelves()).walk(starts);
      LOG.debug("walk: {} file(s) in {} ms", walked.files().size(), millisSince(t0));
    } catch (IOException e) {
      throw new PantriException(Category.REPO, "cannot walk shelves: " + e.getMessage(), e);
    }
    this.walked = walked.files();
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
    // In path order a shelf's files come together: its group is looked up when the shelf changes,
    // not per file (hashing an Options record for each of 100,000 files showed in profiles).
    String shelf = null;
    List<ShelfWalker.Found> group = null;
    for (ShelfWalker.Found f : walked.inPathOrder()) {
      // a file directly in shelves/ belongs to no shelf: the [default] options apply (as in the original)
      if (group == null || !inShelf(f.shelvesPath(), shelf)) {
        shelf = f.shelvesPath().contains("/") ? Repository.shelfOf(f.shelvesPath()) : null;
        Options o = optionsByShelf.get(shelf);
        if (o == null) {
          o = options(shelf);
          optionsByShelf.put(shelf, o);
        }
        group = groups.computeIfAbsent(o, k -> new ArrayList<>());
      }
      group.add(f);
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
    long t0 = System.nanoTime();
    List<Candidate> candidates = classifyAll(found, filter, o, result);
    LOG.debug("classify: {} candidate(s) of {} file(s) in {} ms", candidates.size(), found.size(), millisSince(t0));
    if (candidates.isEmpty()) {
      return;
    }
    ObjectStore store = stores.get(o);
    if (dryRun) {
      List<StorePlanner.Item> items = hashAll(candidates, o, result);
      StorePlanner.Plan plan = StorePlanner.plan(items, o.layout(), storeFacts(store, items, o));
      for (StorePlanner.Item it : plan.alreadyStored()) {
        if (!it.pitem().equals(it.previous())) {
          result.stored.add(repoPath(it));
        }
      }
      plan.uploads().forEach(u -> u.items().forEach(it -> result.stored.add(repoPath(it))));
      return;
    }
    t0 = System.nanoTime();
    // in path order already (the walk sorted them), with the secret files last: one read of .gitignore
    List<String> ignored = new ArrayList<>(candidates.size() + Repository.SECRET_FILES.size());
    candidates.forEach(c -> ignored.add(Repository.SHELVES + "/" + c.found().shelvesPath()));
    ignored.addAll(Repository.SECRET_FILES);
    try {
      Repository.IgnoreUpdate u = repo.updateIgnored(walked.keySet(), ignored);
      if (u.pruned() > 0) {
        ctx.reporter().info("removed " + u.pruned() + " line(s) of deleted or renamed binaries from .gitignore");
      }
      if (u.added() > 0) {
        ctx.reporter().info("added " + u.added() + " path(s) to .gitignore");
      }
    } catch (IOException e) {
      throw new PantriException(Category.REPO, "cannot update .gitignore: " + e.getMessage(), e);
    }
    LOG.debug(".gitignore: {} ms", millisSince(t0));
    t0 = System.nanoTime();
    new Pipeline(o, store, result).run(candidates);
    LOG.debug("hash, plan, upload and pitems: {} ms", millisSince(t0));
    t0 = System.nanoTime();
    untrackStoredBinaries(result);
    LOG.debug("git index: {} ms", millisSince(t0));
    if (ctx.cancel().isCancelled()) {
      result.interrupted = true;
    }
  }

  /**
   * Hashing and uploading at once: each file is planned as soon as it is hashed and its upload
   * starts while later files are still being hashed (a large first store used to hash everything
   * before sending a byte). The planner still decides each object; identical content at several
   * paths is still sent once, every pitem waiting for it written when it is stored.
   */
  private final class Pipeline {
    private final Options o;
    private final ObjectStore store;
    private final Result result;
    private final Retrier retrier;
    /** Per key: the upload the items of that key wait for, or null once the store holds it. */
    private final Map<String, Waiting> byKey = new HashMap<>();
    private final java.util.concurrent.atomic.AtomicReference<PantriException> fatal = new java.util.concurrent.atomic.AtomicReference<>();
    private Map<String, StorePlanner.StoredFact> listed;
    private TransferEngine.UploadBatch batch;

    /** Items whose pitems wait for one object: {@code stored} once it is there, {@code uploaded} if sent now. */
    private final class Waiting {
      final List<StorePlanner.Item> items = new ArrayList<>();
      boolean stored;
      boolean uploaded;
    }

    Pipeline(Options o, ObjectStore store, Result result) {
      this.o = o;
      this.store = store;
      this.result = result;
      this.retrier = Stores.retrier(o, ctx, store);
    }

    void run(List<Candidate> candidates) throws PantriException {
      if (listsFirst(store, candidates.size())) {
        // one listing up front (it needs no hashes); stores with local stats are asked per key
        listed = listFacts(store, retrier, o, candidates.stream().map(c -> c.found().shelvesPath()).toList());
      }
      // largest first, so one big file does not start last and hold up the end of the run
      List<Candidate> order = new ArrayList<>(candidates);
      order.sort((a, b) -> Long.compare(b.found().size(), a.found().size()));
      long bytes = order.stream().mapToLong(c -> c.found().size()).sum();
      ExecutorService hashers = hashPool();
      try (TransferEngine engine = new TransferEngine(store, o.jobs(), RetryPolicy.of(o.retries()),
          ctx.progress(), ctx.cancel())) {
        batch = engine.uploads(order.size(), bytes, this::uploaded);
        List<Future<?>> hashing = new ArrayList<>();
        // A file to hash is a task of its own; files whose hashes come from their pitems go in
        // chunks (a task each kept 100,000 tasks queued in a store with nothing changed).
        List<Candidate> reused = new ArrayList<>();
        for (Candidate c : order) {
          if (c.reuseHashes()) {
            reused.add(c);
            if (reused.size() == CLASSIFY_CHUNK) {
              hashing.add(submitHashing(hashers, List.copyOf(reused)));
              reused.clear();
            }
          } else {
            hashing.add(submitHashing(hashers, List.of(c)));
          }
        }
        if (!reused.isEmpty()) {
          hashing.add(submitHashing(hashers, reused));
        }
        for (Future<?> f : hashing) {
          try {
            f.get();
          } catch (java.util.concurrent.ExecutionException e) {
            Throwable t = e.getCause();
            result.failed.add(new org.pantri.transfer.Failure("?", String.valueOf(t.getMessage()),
                org.pantri.transfer.Failure.Kind.LOCAL));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PantriException(Category.INTERRUPTED, "interrupted");
          }
        }
        result.failed.addAll(batch.finish());
      } finally {
        hashers.shutdownNow();
      }
      if (fatal.get() != null) {
        throw fatal.get();
      }
    }

    private Future<?> submitHashing(ExecutorService hashers, List<Candidate> candidates) {
      return hashers.submit(() -> {
        for (Candidate c : candidates) {
          if (fatal.get() != null) {
            return;
          }
          guarded(c.found(), result, () -> {
            StorePlanner.Item it = hash(c, o, result);
            if (it != null) {
              route(it);
            } else {
              ctx.progress().done(c.found().shelvesPath(), 0);
            }
          });
        }
      });
    }

    /** Plans one hashed item: its pitem now (object present), with an upload, or after one. */
    private void route(StorePlanner.Item it) {
      String key = o.layout().key(it.path(), it.pitem().sha256());
      Waiting w;
      boolean first;
      synchronized (byKey) {
        w = byKey.get(key);
        first = w == null;
        if (first) {
          w = new Waiting();
          byKey.put(key, w);
        }
      }
      if (!first) {
        boolean uploaded;
        synchronized (w) {
          if (!w.stored) {
            w.items.add(it); // this content is being checked or sent: that outcome writes this pitem too
            countDone(it);
            return;
          }
          uploaded = w.uploaded;
        }
        writePitem(it, result, uploaded);
        countDone(it);
        return;
      }
      if (StorePlanner.isStored(fact(key, it.path()), it.pitem(), o.layout())) {
        List<StorePlanner.Item> waiting;
        synchronized (w) {
          w.stored = true;
          w.items.add(0, it);
          waiting = List.copyOf(w.items);
        }
        waiting.forEach(x -> writePitem(x, result, false));
        countDone(it);
        return;
      }
      synchronized (w) {
        w.items.add(0, it);
      }
      Pitem p = it.pitem();
      batch.submit(new TransferEngine.UploadJob(key, it.file(),
          new PutMeta(p.fileSize(), p.modifiedTime(), p.sha256()), it.path()));
    }

    private void uploaded(TransferEngine.UploadJob j) {
      Waiting w;
      synchronized (byKey) {
        w = byKey.get(j.key());
      }
      List<StorePlanner.Item> items;
      synchronized (w) {
        w.stored = true;
        w.uploaded = true;
        items = List.copyOf(w.items);
      }
      items.forEach(it -> writePitem(it, result, true));
      result.bytes.add(j.meta().size());
    }

    /** An object finished without a transfer of its own: done on the progress line, nothing sent. */
    private void countDone(StorePlanner.Item it) {
      ctx.progress().present(it.path(), it.pitem().fileSize());
    }

    /** What the store holds under {@code key}: from the listing, or one stat (with retries). */
    private StorePlanner.StoredFact fact(String key, String name) {
      if (listed != null) {
        return listed.get(key);
      }
      try {
        return retrier.call(name, () -> store.stat(key)).map(StoreOperation::fact).orElse(null);
      } catch (org.pantri.store.AuthException e) {
        fatal.compareAndSet(null, new PantriException(Category.AUTH, e.getMessage(), e));
        return null;
      } catch (IOException e) {
        return null; // taken as absent: uploaded again, which costs time, never correctness
      }
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

  /** A file that is to be stored (it passed the filter and the name rules), with its old pitem. */
  private record Candidate(ShelfWalker.Found found, Pitem previous, boolean reuseHashes) {}

  private ExecutorService hashPool() {
    int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    return Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "pantri-hash");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Picks the files to store (filter, name rules), on a few threads: reads each one's pitem, and
   * the head of those whose hashes cannot be reused (binary detection).
   */
  private List<Candidate> classifyAll(List<ShelfWalker.Found> found, StoreFilter filter, Options o,
      Result result) throws PantriException {
    // all files, not just this group's: two names macOS sees as one collide whatever their options
    Map<String, String> twins = NameRules.normalizationTwins(walked.keySet());
    ExecutorService pool = hashPool();
    try {
      // in chunks: a task per file kept 200,000 tasks, lambdas and queue nodes alive at once
      List<Future<List<Candidate>>> futures = new ArrayList<>();
      for (int from = 0; from < found.size(); from += CLASSIFY_CHUNK) {
        List<ShelfWalker.Found> chunk = found.subList(from, Math.min(found.size(), from + CLASSIFY_CHUNK));
        futures.add(pool.submit(() -> {
          List<Candidate> cs = new ArrayList<>();
          for (ShelfWalker.Found f : chunk) {
            guarded(f, result, () -> {
              Candidate c = classify(f, filter, o, twins, result);
              if (c != null) {
                cs.add(c);
              }
            });
          }
          return cs;
        }));
      }
      List<Candidate> out = new ArrayList<>();
      for (Future<List<Candidate>> fu : futures) {
        List<Candidate> cs = await(fu, result);
        if (cs != null) {
          out.addAll(cs);
        }
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  /** Hashes every candidate on a few threads (a dry run plans them all at once). */
  private List<StorePlanner.Item> hashAll(List<Candidate> candidates, Options o, Result result)
      throws PantriException {
    ExecutorService pool = hashPool();
    ctx.progress().begin("hash", candidates.size(), candidates.stream().mapToLong(c -> c.found().size()).sum());
    try {
      List<Future<StorePlanner.Item>> futures = new ArrayList<>();
      for (Candidate c : candidates) {
        futures.add(pool.submit(() -> {
          try {
            return hash(c, o, result);
          } finally {
            ctx.progress().bytes(c.found().size());
            ctx.progress().done(c.found().shelvesPath(), c.found().size());
          }
        }));
      }
      List<StorePlanner.Item> items = new ArrayList<>();
      for (Future<StorePlanner.Item> fu : futures) {
        StorePlanner.Item it = await(fu, result);
        if (it != null) {
          items.add(it);
        }
      }
      ctx.progress().end();
      return items;
    } finally {
      pool.shutdownNow();
    }
  }

  /** The task's value; a task that threw is a local failure (null). */
  private static <T> T await(Future<T> fu, Result result) throws PantriException {
    try {
      return fu.get();
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable c = e.getCause();
      result.failed.add(new org.pantri.transfer.Failure("?", String.valueOf(c.getMessage()), org.pantri.transfer.Failure.Kind.LOCAL));
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PantriException(Category.INTERRUPTED, "interrupted");
    }
  }

  /**
   * One file's step of a chunk: an unexpected exception fails that file, named, and the rest of
   * its chunk goes on (a task per file used to give the same isolation).
   */
  private static void guarded(ShelfWalker.Found f, Result result, Runnable step) {
    try {
      step.run();
    } catch (RuntimeException e) {
      result.failed.add(new org.pantri.transfer.Failure(f.shelvesPath(), f.shelvesPath() + ": " + e,
          org.pantri.transfer.Failure.Kind.LOCAL));
    }
  }

  private Candidate classify(ShelfWalker.Found f, StoreFilter filter, Options o,
      Map<String, String> twins, Result result) {
    String name = f.shelvesPath().substring(f.shelvesPath().lastIndexOf('/') + 1); // no Path for it
    try {
      if (ctx.cancel().isCancelled() || filter.skipByName(name) != null) {
        return null;
      }
      Pitem previous = null;
      // the pitem the walk saw: whether a binary has one, and its size, known without a stat
      ShelfWalker.Found pitem = walked.get(f.shelvesPath() + PitemCodec.SUFFIX);
      if (pitem != null) {
        try {
          previous = PitemCodec.readWalked(pitem.file(), f.shelvesPath(), pitem.size());
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
      return new Candidate(f, previous, reuse);
    } catch (IOException e) {
      result.failed.add(new org.pantri.transfer.Failure(f.shelvesPath(),
          f.shelvesPath() + ": " + e.getMessage(), org.pantri.transfer.Failure.Kind.LOCAL));
      return null;
    }
  }

  /** The candidate's pitem: hashes reused from its old one, or read from the file. */
  private StorePlanner.Item hash(Candidate c, Options o, Result result) {
    ShelfWalker.Found f = c.found();
    try {
      if (ctx.cancel().isCancelled()) {
        return null;
      }
      Pitem previous = c.previous();
      Pitem p;
      if (c.reuseHashes()) {
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
      if (listsFirst(store, items.size())) {
        Map<String, StorePlanner.StoredFact> listed =
            listFacts(store, retrier, o, items.stream().map(StorePlanner.Item::path).toList());
        listed.keySet().retainAll(keys);
        return listed;
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

  /**
   * What the store holds, from one listing (for many keys on a remote store): every object under
   * the content prefix, or in the path layout those at {@code paths}, each stat'ed when the listing
   * lacks its mtime. Every call with retries.
   */
  private Map<String, StorePlanner.StoredFact> listFacts(ObjectStore store, Retrier retrier, Options o,
      List<String> paths) throws PantriException {
    boolean byPath = o.layout() == org.pantri.repo.Layout.PATH;
    String prefix = byPath ? commonShelfPrefix(paths) : "sha256/";
    Set<String> pathKeys = byPath ? new java.util.HashSet<>(paths) : Set.of();
    Map<String, StorePlanner.StoredFact> facts = new HashMap<>();
    try {
      for (ObjectInfo i : retrier.call("listing of " + store.describe(), () -> store.list(prefix))) {
        if (!byPath) {
          facts.put(i.key(), fact(i));
        } else if (pathKeys.contains(i.key())) {
          if (i.mtimeSeconds() >= 0) {
            facts.put(i.key(), fact(i));
          } else {
            // Listings carry no user metadata; in the path layout a same-size object needs its mtime.
            try {
              retrier.call(i.key(), () -> store.stat(i.key())).ifPresent(x -> facts.put(x.key(), fact(x)));
            } catch (org.pantri.store.AuthException e) {
              throw e;
            } catch (IOException e) {
              // left out: uploaded again, which costs time, never correctness
            }
          }
        }
      }
      return facts;
    } catch (org.pantri.store.AuthException e) {
      throw new PantriException(Category.AUTH, e.getMessage(), e);
    } catch (IOException e) {
      throw new PantriException(Category.STORE, store.describe() + ": " + e.getMessage(), e);
    }
  }

  /** One listing beats a request per key for many keys, unless the store's stats are local calls. */
  private static boolean listsFirst(ObjectStore store, int keys) {
    return keys > LIST_THRESHOLD && !store.cheapStat();
  }

  private static StorePlanner.StoredFact fact(ObjectInfo i) {
    return new StorePlanner.StoredFact(i.size(), i.mtimeSeconds());
  }

  /** Whether the shelves-relative path {@code p} lies in {@code shelf} (null: directly in shelves/). */
  private static boolean inShelf(String p, String shelf) {
    int slash = p.indexOf('/');
    return shelf == null ? slash < 0 : slash == shelf.length() && p.startsWith(shelf);
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }

  private static String commonShelfPrefix(List<String> paths) {
    String first = Repository.shelfOf(paths.get(0));
    for (String p : paths) {
      if (!p.contains("/") || !Repository.shelfOf(p).equals(first)) {
        return "";
      }
    }
    return first + "/";
  }
}
