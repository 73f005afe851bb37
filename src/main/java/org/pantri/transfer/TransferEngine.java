package org.pantri.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.pantri.io.AtomicFiles;
import org.pantri.io.WriteBehind;
import org.pantri.store.AuthException;
import org.pantri.store.MultipartStore;
import org.pantri.store.ObjectInfo;
import org.pantri.store.ObjectNotFoundException;
import org.pantri.store.ObjectStore;
import org.pantri.store.PartPlan;
import org.pantri.store.PutMeta;
import org.pantri.store.PutResult;
import org.pantri.store.RetryableStoreException;
import org.pantri.store.StagingStore;
import org.pantri.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one path every byte takes between disk and a store: N transfers at once, retries with
 * backoff (one {@link RetryBudget} per object), re-authentication ({@link Retrier}), multipart
 * uploads split by one {@link PartPlan}, verification of what stores report ({@link PutResult}),
 * resumable verified downloads written atomically, and the local copies and deletes of a sync,
 * cancellation. Stores only move bytes, report facts and classify errors; the policy is here.
 */
public final class TransferEngine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TransferEngine.class);
  private static final int BUFFER = 256 * 1024;

  private final ObjectStore store;
  private final Retrier retrier;
  private final ProgressListener progress;
  private final Cancellation cancel;
  private final ExecutorService transfers;
  private final ExecutorService coordinators;
  private final org.pantri.io.KnownDirectories directories = new org.pantri.io.KnownDirectories();

  /** Upload the file at {@code source} as {@code key}; {@code name} is what messages call it. */
  public record UploadJob(String key, Path source, PutMeta meta, String name) {}

  /**
   * Where one downloaded object goes, and the mtime it gets there; {@code name} (may be null) is
   * what messages call it.
   */
  public record Target(Path path, long mtimeSeconds, String name) {
    public Target(Path path, long mtimeSeconds) {
      this(path, mtimeSeconds, null);
    }

    String label() {
      return name != null ? name : path.toString();
    }
  }

  /**
   * Download {@code key} (expected size and SHA-256) to every target. When {@code key} does not
   * exist, the {@code fallbackKeys} are tried in turn: containers the original tool filled name
   * objects by path, and the SHA-256 check makes reading them under another name safe.
   */
  public record DownloadJob(String key, long size, String sha256, List<Target> targets, String name,
      List<String> fallbackKeys) {
    public DownloadJob {
      targets = List.copyOf(targets);
      fallbackKeys = fallbackKeys == null ? List.of() : List.copyOf(fallbackKeys);
    }

    public DownloadJob(String key, long size, String sha256, List<Target> targets, String name) {
      this(key, size, sha256, targets, name, List.of());
    }

    public DownloadJob(String key, long size, String sha256, List<Target> targets, String name,
        String fallbackKey) {
      this(key, size, sha256, targets, name, fallbackKey == null ? List.of() : List.of(fallbackKey));
    }
  }

  public TransferEngine(ObjectStore store, int jobs, RetryPolicy retry, ProgressListener progress,
      Cancellation cancel) {
    this.store = store;
    this.retrier = new Retrier(retry, progress, cancel, store);
    this.progress = progress;
    this.cancel = cancel;
    this.transfers = Executors.newFixedThreadPool(Math.max(1, jobs), daemon("transfer"));
    this.coordinators = Executors.newCachedThreadPool(daemon("multipart"));
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "pantri-" + name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public void close() {
    transfers.shutdownNow();
    coordinators.shutdownNow();
  }

  // ---------------------------------------------------------------- uploads

  /**
   * Uploads every job; {@code onSuccess} runs (on a worker thread) as soon as one object is safely
   * stored, so its pitem can be written at once. Returns the failures; the others still complete.
   */
  public List<Failure> upload(List<UploadJob> jobs, Consumer<UploadJob> onSuccess) {
    UploadBatch batch = uploads(jobs.size(), jobs.stream().mapToLong(j -> j.meta().size()).sum(), onSuccess);
    jobs.forEach(batch::submit);
    return batch.finish();
  }

  /**
   * Uploads handed over one at a time, e.g. each as soon as its file is hashed; {@code objects}
   * and {@code bytes} are what the progress line counts toward.
   */
  public UploadBatch uploads(int objects, long bytes, Consumer<UploadJob> onSuccess) {
    progress.begin("upload", objects, bytes);
    return new UploadBatch(onSuccess);
  }

  /** Uploads under way: {@link #submit} each, then {@link #finish} once. */
  public final class UploadBatch {
    private final Consumer<UploadJob> onSuccess;
    private final List<Failure> failures = Collections.synchronizedList(new ArrayList<>());
    private final List<Future<?>> futures = Collections.synchronizedList(new ArrayList<>());
    private Publisher publisher;

    private UploadBatch(Consumer<UploadJob> onSuccess) {
      this.onSuccess = onSuccess;
    }

    /** Starts one upload (from any thread). */
    public void submit(UploadJob job) {
      long size = job.meta().size();
      boolean multipart = store instanceof MultipartStore mp && size > mp.partSize();
      StagingStore staging = !multipart && store instanceof StagingStore ss && ss.stages(size) ? ss : null;
      Runnable task = () -> {
        try {
          cancel.check();
          RetryBudget budget = new RetryBudget(retrier.policy());
          if (staging != null) {
            StagingStore.Staged staged = retrier.call(job.name(), budget, () -> {
              cancel.check();
              return counted(size, () -> staging.stage(job.key(), job.source(), job.meta()));
            });
            checkSourceUnchanged(job, () -> staging.discard(staged));
            publisher(staging).add(job, staged); // it counts as stored once published
            return;
          }
          if (multipart) {
            uploadMultipart((MultipartStore) store, job, budget);
          } else {
            retrier.call(job.name(), budget, () -> {
              cancel.check();
              accept(counted(size, () -> store.put(job.key(), job.source(), job.meta())),
                  "upload of '" + job.key() + "'", () -> deleteObject(job));
              return null;
            });
          }
          checkSourceUnchanged(job, () -> deleteObject(job));
          succeeded(job);
        } catch (Exception e) {
          failed(job, e);
        }
      };
      futures.add(multipart ? coordinators.submit(task) : transfers.submit(task));
    }

    private void succeeded(UploadJob job) {
      try {
        onSuccess.accept(job);
        progress.done(job.name(), job.meta().size());
      } catch (RuntimeException e) {
        failed(job, e);
      }
    }

    private void failed(UploadJob job, Exception e) {
      Failure f = failure(job.name(), e, "free space in " + store.describe() + ", then run store again");
      failures.add(f);
      progress.failed(job.name(), f.message());
    }

    private synchronized Publisher publisher(StagingStore staging) {
      if (publisher == null) {
        publisher = new Publisher(staging, this);
        publisher.running = coordinators.submit(publisher::run);
      }
      return publisher;
    }

    /** Waits for every submitted upload; returns the failures. */
    public List<Failure> finish() {
      List<Future<?>> all;
      synchronized (futures) {
        all = new ArrayList<>(futures);
      }
      awaitAll(all);
      Publisher p;
      synchronized (this) {
        p = publisher;
      }
      if (p != null) {
        p.finish();
      }
      progress.end();
      synchronized (failures) {
        return new ArrayList<>(failures);
      }
    }
  }

  /**
   * The group commit of a {@link StagingStore}: one thread publishes whatever was staged while its
   * previous publish ran, so a batch grows with the cost of a sync and no worker waits for one.
   * Success (the pitem) runs only after an object's publish; one staged before a cancellation is
   * still published, like an upload that completed.
   */
  private final class Publisher {
    private record Pending(UploadJob job, StagingStore.Staged staged) {}

    private static final Pending END = new Pending(null, null);
    /**
     * A batch's bounds: a kill loses at most this much staged work (it gets no pitems), and pitems
     * keep being written through a long run instead of all at its end.
     */
    static final int BATCH_OBJECTS = 1024;
    static final long BATCH_BYTES = 256L << 20;
    /** Threads that write one published batch's pitems while the next batch syncs. */
    private static final int SUCCESS_THREADS = 4;
    private final StagingStore store;
    private final UploadBatch batch;
    private final java.util.concurrent.BlockingQueue<Pending> queue = new java.util.concurrent.LinkedBlockingQueue<>();
    private final List<Future<?>> successes = new ArrayList<>();
    private Future<?> running;

    Publisher(StagingStore store, UploadBatch batch) {
      this.store = store;
      this.batch = batch;
    }

    void add(UploadJob job, StagingStore.Staged staged) {
      queue.add(new Pending(job, staged));
    }

    void run() {
      List<Pending> next = new ArrayList<>();
      boolean end = false;
      try {
        while (!end) {
          next.clear();
          Pending p = queue.take();
          long bytes = 0;
          while (p != null) {
            if (p == END) {
              end = true;
              break;
            }
            next.add(p);
            bytes += p.job().meta().size();
            p = next.size() < BATCH_OBJECTS && bytes < BATCH_BYTES ? queue.poll() : null;
          }
          if (!next.isEmpty()) {
            publish(next);
          }
        }
      } catch (InterruptedException e) {
        // the engine was closed without finish(): the store's close removes what is still staged
        Thread.currentThread().interrupt();
      }
    }

    private void publish(List<Pending> pending) {
      Map<StagingStore.Staged, IOException> failed;
      try {
        failed = store.publish(pending.stream().map(Pending::staged).toList());
      } catch (RuntimeException e) {
        pending.forEach(p -> {
          store.discard(p.staged());
          batch.failed(p.job(), e);
        });
        return;
      }
      LOG.debug("published {} staged object(s), {} failed", pending.size(), failed.size());
      // The successes (pitem writes) run on their own threads while this one syncs the next batch.
      int chunks = Math.max(1, Math.min(SUCCESS_THREADS, pending.size() / 64));
      int per = (pending.size() + chunks - 1) / chunks;
      for (int from = 0; from < pending.size(); from += per) {
        List<Pending> chunk = List.copyOf(pending.subList(from, Math.min(pending.size(), from + per)));
        successes.add(coordinators.submit(() -> {
          for (Pending p : chunk) {
            IOException e = failed.get(p.staged());
            if (e == null) {
              batch.succeeded(p.job());
            } else {
              batch.failed(p.job(), e);
            }
          }
        }));
      }
    }

    /** Publishes what is left and waits for it; called once every stage has ended. */
    void finish() {
      queue.add(END);
      awaitAll(List.of(running));
      awaitAll(successes);
    }
  }

  /**
   * One attempt of a request whose body the store streams: its bytes count as they leave (a large
   * upload moves the progress line instead of jumping at the end), exactly {@code expected} count
   * once it succeeded, and a failed attempt's bytes are taken back so a retry is not counted twice.
   */
  private <T> T counted(long expected, Retrier.Call<T> call) throws IOException {
    long[] sent = {0};
    org.pantri.store.SendProgress.to(n -> {
      sent[0] += n;
      progress.bytes(n);
    });
    try {
      T r = call.call();
      progress.bytes(expected - sent[0]);
      return r;
    } catch (IOException | RuntimeException e) {
      progress.bytes(-sent[0]);
      throw e;
    } finally {
      org.pantri.store.SendProgress.clear();
    }
  }

  private void uploadMultipart(MultipartStore mp, UploadJob job, RetryBudget budget) throws Exception {
    long size = job.meta().size();
    PartPlan plan = new PartPlan(size, mp.partSize(size));
    int count = plan.count();
    MultipartStore.MultipartUpload up =
        retrier.call(job.name(), budget, () -> mp.startMultipart(job.key(), job.meta()));
    Map<Integer, String> etags = new ConcurrentHashMap<>();
    retrier.call(job.name(), budget, up::storedParts).forEach((n, etag) -> {
      if (n >= 1 && n <= count) {
        etags.put(n, etag);
      }
    });
    if (!etags.isEmpty()) {
      LOG.info("{}: resuming, {} of {} parts already stored", job.name(), etags.size(), count);
      etags.keySet().forEach(n -> progress.bytes(plan.length(n)));
    }
    List<Future<?>> parts = new ArrayList<>();
    java.util.concurrent.atomic.AtomicBoolean abandoned = new java.util.concurrent.atomic.AtomicBoolean();
    for (int i = 1; i <= count; i++) {
      if (etags.containsKey(i)) {
        continue;
      }
      int n = i;
      long off = plan.offset(n);
      long len = plan.length(n);
      parts.add(transfers.submit(() -> {
        cancel.check();
        if (abandoned.get()) {
          return null; // another part failed: the object has failed, send no more
        }
        try {
          etags.put(n, retrier.call(job.name() + " part " + n, budget, () -> {
            cancel.check();
            PutResult r = counted(len, () -> up.putPart(n, job.source(), off, len));
            accept(r, "upload of part " + n + " of '" + job.key() + "'", () -> retrier.once(job.name(), () -> {
              up.discardPart(n);
              return null;
            }));
            return r.etag();
          }));
        } catch (IOException | RuntimeException e) {
          abandoned.set(true);
          throw e;
        }
        return null;
      }));
    }
    // Parts left in the store by a failure are kept on purpose: the next run resumes from them.
    for (Future<?> f : parts) {
      try {
        f.get();
      } catch (ExecutionException e) {
        parts.forEach(p -> p.cancel(false));
        throw e.getCause() instanceof Exception ex ? ex : e;
      }
    }
    retrier.call(job.name(), budget, () -> {
      up.complete(new TreeMap<>(etags));
      return null;
    });
    // A multipart ETag is no MD5 of the content: the one cheap check of the whole is its size.
    Optional<ObjectInfo> info = retrier.call(job.name(), budget, () -> store.stat(job.key()));
    if (info.isEmpty() || info.get().size() != size) {
      throw new StoreException("multipart upload of " + job.key() + " to " + store.describe() + " completed but"
          + " the object has " + info.map(i -> i.size() + " bytes").orElse("vanished") + ", expected " + size);
    }
  }

  /** Something that removes a bad copy. */
  private interface Discard {
    void run() throws IOException;
  }

  /**
   * Checks the facts a store reported about what it stored; a damaged copy is removed (best
   * effort) and the upload fails as retryable, so the retrier sends it again within the budget.
   */
  private static void accept(PutResult r, String what, Discard discard) throws RetryableStoreException {
    if (r == null || !r.damaged()) {
      return;
    }
    try {
      discard.run();
    } catch (IOException | RuntimeException e) {
      LOG.debug("could not remove the damaged copy of {}: {}", what, e.getMessage());
    }
    throw new RetryableStoreException(what + " was damaged in transit: the store holds MD5 " + r.etag()
        + " but the file's bytes have MD5 " + r.sentMd5() + "; the object was removed", null);
  }

  private void deleteObject(UploadJob job) throws IOException {
    retrier.once(job.name(), () -> {
      store.delete(job.key());
      return null;
    });
  }

  /** A file edited while it was uploaded no longer matches its hashes: {@code undo} the copy and fail it. */
  private static void checkSourceUnchanged(UploadJob job, Discard undo) throws IOException {
    BasicFileAttributes a = Files.readAttributes(job.source(), BasicFileAttributes.class);
    if (a.size() != job.meta().size() || org.pantri.store.FileTimes.pythonSeconds(a.lastModifiedTime()) != job.meta().mtimeSeconds()) {
      try {
        undo.run();
      } catch (IOException e) {
        LOG.debug("could not remove the copy of {} after its source changed: {}", job.key(), e.getMessage());
      }
      throw new StoreException(job.source() + " changed while it was being stored; run store again");
    }
  }

  // ---------------------------------------------------------------- downloads

  /**
   * The partial file's name for a job: a hash of its key, SHA-256 and size, so two jobs never
   * share one (content stored under several keys, or pitems that disagree on the size) while a
   * rerun of the same job finds its partial again and resumes it.
   */
  public static String partialName(DownloadJob job) {
    MessageDigest md = sha256();
    md.update((job.key() + "\n" + job.sha256() + "\n" + job.size()).getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(md.digest()) + ".part";
  }

  /**
   * Downloads every job through a temp file in {@code partialDir} (same file system as the
   * targets), verifying size and SHA-256 before anything appears at a target path. A partial
   * temp file from an interrupted run is resumed with a ranged read.
   */
  public List<Failure> download(List<DownloadJob> jobs, Path partialDir, Consumer<DownloadJob> onSuccess) {
    progress.begin("download", jobs.size(), jobs.stream().mapToLong(DownloadJob::size).sum());
    List<Failure> failures = Collections.synchronizedList(new ArrayList<>());
    List<Future<?>> futures = new ArrayList<>();
    for (DownloadJob job : jobs) {
      futures.add(transfers.submit(() -> {
        try {
          cancel.check();
          directories.ensure(partialDir);
          try (PartialFile partial = PartialFile.claim(partialDir, partialName(job), job.name())) {
            VerifiedFile verified = retrier.call(job.name(), new RetryBudget(retrier.policy()),
                () -> fetchVerified(job, partial));
            place(verified, partial, job);
          }
          onSuccess.accept(job);
          progress.done(job.name(), job.size());
        } catch (Exception e) {
          Failure f = failure(job.name(), e);
          if (job.targets().size() > 1) {
            List<String> others = job.targets().stream().skip(1).map(Target::label).toList();
            f = new Failure(f.name(),
                f.message() + " (the same content was wanted at: " + String.join(", ", others) + ")", f.kind());
          }
          failures.add(f);
          progress.failed(job.name(), f.message());
        }
      }));
    }
    awaitAll(futures);
    progress.end();
    return failures;
  }

  /**
   * A file whose bytes were checked against the job's size and SHA-256. Only
   * {@link #fetchVerified} creates one, and {@link #place} takes nothing else: no path reaches a
   * target without having been verified.
   */
  private static final class VerifiedFile {
    private final Path path;
    private final DownloadJob job;

    private VerifiedFile(Path path, DownloadJob job) {
      this.path = path;
      this.job = job;
    }
  }

  /** Leaves exactly the expected bytes in the partial file and returns it as verified, or throws. */
  private VerifiedFile fetchVerified(DownloadJob job, PartialFile partial) throws IOException {
    FileChannel ch = partial.channel();
    MessageDigest sha = sha256();
    long have = ch.size();
    if (have > job.size()) {
      ch.truncate(0);
      have = 0;
    }
    if (have > 0) {
      ByteBuffer b = ByteBuffer.allocate(BUFFER);
      long pos = 0;
      while (pos < have) {
        b.clear();
        int n = ch.read(b, pos);
        if (n < 0) {
          break;
        }
        sha.update(b.array(), 0, n);
        pos += n;
      }
      LOG.debug("{}: resuming download at byte {}", job.name(), have);
      progress.bytes(have);
    }
    if (have < job.size() || job.size() == 0) {
      have = copyFromStore(job, ch, have, sha);
    }
    if (have != job.size()) {
      throw new RetryableStoreException(job.name() + ": object ended after " + have + " of "
          + job.size() + " bytes", null);
    }
    String actual = HexFormat.of().formatHex(sha.digest());
    if (!actual.equals(job.sha256())) {
      ch.truncate(0); // corrupt bytes are never kept for a resume
      throw new CorruptObjectException(job.name() + ": downloaded content has SHA-256 " + actual
          + " but the pitem says " + job.sha256() + " (object " + job.key() + " is corrupt or was replaced)");
    }
    ch.force(false); // fdatasync: the data and its size (the mtime is set after, as before)
    return new VerifiedFile(partial.path(), job);
  }

  private long copyFromStore(DownloadJob job, FileChannel out, long have, MessageDigest sha) throws IOException {
    // no larger than the object: 100,000 small downloads must not make 25 GB of garbage
    byte[] buf = new byte[(int) Math.min(BUFFER, Math.max(8192, job.size() - have + 1))];
    WriteBehind writeBehind = new WriteBehind(out, have);
    try (InputStream in = openObject(job, have)) {
      while (true) {
        cancel.check();
        int n;
        try {
          n = in.read(buf);
        } catch (StoreException e) {
          throw e;
        } catch (IOException e) {
          throw new RetryableStoreException(job.name() + ": connection lost during download ("
              + e.getMessage() + ")", e);
        }
        if (n < 0) {
          break;
        }
        if (have + n > job.size()) {
          out.truncate(0);
          throw new CorruptObjectException(job.name() + ": object " + job.key()
              + " is larger than the pitem's " + job.size() + " bytes");
        }
        sha.update(buf, 0, n);
        ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
        long pos = have;
        while (bb.hasRemaining()) {
          pos += out.write(bb, pos);
        }
        have += n;
        progress.bytes(n);
        writeBehind.written(have);
      }
    }
    return have;
  }

  private InputStream openObject(DownloadJob job, long offset) throws IOException {
    try {
      return store.open(job.key(), offset);
    } catch (ObjectNotFoundException e) {
      List<String> tried = new ArrayList<>();
      for (String k : job.fallbackKeys()) {
        if (k.equals(job.key()) || tried.contains(k)) {
          continue;
        }
        tried.add(k);
        try {
          InputStream in = store.open(k, offset);
          LOG.debug("{}: {} not found, reading {} instead", job.name(), job.key(), k);
          return in;
        } catch (ObjectNotFoundException e2) {
          // try the next one
        }
      }
      if (tried.isEmpty()) {
        throw e;
      }
      throw new ObjectNotFoundException(e.getMessage() + " (nor under "
          + (tried.size() == 1 ? "its path '" + tried.get(0) + "'" : "any of " + tried) + ")");
    }
  }

  /** Moves the verified file to the last target; other targets get copies. Atomic each. */
  private void place(VerifiedFile verified, PartialFile partial, DownloadJob job) throws IOException {
    if (verified.job != job) {
      throw new IllegalArgumentException("verified file of another job");
    }
    partial.release();
    Path file = verified.path;
    List<Target> targets = job.targets();
    for (int i = 0; i < targets.size(); i++) {
      Path target = targets.get(i).path();
      Files.setLastModifiedTime(file, FileTime.fromMillis(targets.get(i).mtimeSeconds() * 1000));
      directories.ensure(target.getParent());
      try {
        if (i < targets.size() - 1) {
          AtomicFiles.copy(file, target);
        } else {
          try {
            AtomicFiles.moveAtomic(file, target);
          } catch (AtomicMoveNotSupportedException e) {
            // Temp area on another file system: stage beside the target instead.
            AtomicFiles.copy(file, target);
            Files.deleteIfExists(file);
          }
        }
      } catch (FileSystemException e) {
        // asked only after the rename failed: a stat per file less on the common path
        if (Files.isDirectory(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          throw new StoreException(target + " is a directory; remove it so the file can be written", e);
        }
        throw e;
      }
    }
  }

  // ---------------------------------------------------------------- local copies and deletes

  /** Where a copy goes, resolved when the job runs (making parent directories may fail). */
  public interface TargetPath {
    Path resolve() throws IOException;
  }

  /** Removes something; returns what was removed, or null when nothing was there. */
  public interface Removal {
    Path remove() throws IOException;
  }

  /** Copy {@code source} ({@code size} bytes) atomically to {@code target}. */
  public record CopyJob(String name, AtomicFiles.Content content, long size, TargetPath target) {
    /** A copy of a local file, attributes included. */
    public static CopyJob ofFile(String name, Path source, long size, TargetPath target) {
      return new CopyJob(name, tmp -> Files.copy(source, tmp, StandardCopyOption.COPY_ATTRIBUTES), size, target);
    }
  }

  /** Remove {@code name} from the destination. */
  public record DeleteJob(String name, Removal removal) {}

  /**
   * The local side of a sync, on the same path as the transfers (progress, cancellation, failure
   * reporting): deletes first (a directory may have to go where a file is copied), then copies,
   * each atomic. {@code onCopied} gets each copy's target, {@code onRemoved} each path a delete
   * removed. Returns the failures (kind "local", or "interrupted"). Needs no store.
   */
  public List<Failure> sync(List<DeleteJob> deletes, List<CopyJob> copies, Consumer<Path> onCopied,
      Consumer<Path> onRemoved) {
    if (deletes.isEmpty() && copies.isEmpty()) {
      return List.of();
    }
    List<Failure> failures = new ArrayList<>();
    progress.begin("copy", deletes.size() + copies.size(), copies.stream().mapToLong(CopyJob::size).sum());
    for (DeleteJob d : deletes) {
      try {
        cancel.check();
        Path removed = d.removal().remove();
        if (removed != null) {
          onRemoved.accept(removed);
        }
        progress.done(d.name(), 0);
      } catch (Cancellation.CancelledException e) {
        fail(failures, failure(d.name(), e));
      } catch (IOException e) {
        fail(failures, new Failure(d.name(), d.name() + ": could not remove: " + e.getMessage(), Failure.Kind.LOCAL));
      }
    }
    for (CopyJob c : copies) {
      try {
        cancel.check();
        Path target = c.target().resolve();
        AtomicFiles.write(target, c.content());
        progress.bytes(c.size());
        onCopied.accept(target);
        progress.done(c.name(), c.size());
      } catch (Cancellation.CancelledException e) {
        fail(failures, failure(c.name(), e));
      } catch (IOException e) {
        fail(failures, new Failure(c.name(), c.name() + ": could not copy: " + e.getMessage(), Failure.Kind.LOCAL));
      }
    }
    progress.end();
    return failures;
  }

  private void fail(List<Failure> failures, Failure f) {
    failures.add(f);
    progress.failed(f.name(), f.message());
  }

  // ---------------------------------------------------------------- retries

  private static void awaitAll(List<Future<?>> futures) {
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException e) {
        // tasks record their own failures
      }
    }
  }

  static Failure failure(String name, Throwable e) {
    // the partial download is kept so a rerun resumes it once space is freed
    return failure(name, e, "free space on the destination's file system, then rerun; partial downloads under"
        + " .pantri/partial resume");
  }

  /** {@code noSpace}: what to do when the disk is full, said after the message. */
  static Failure failure(String name, Throwable e, String noSpace) {
    Throwable t = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    Failure.Kind kind;
    if (t instanceof Cancellation.CancelledException) {
      kind = Failure.Kind.INTERRUPTED;
    } else if (t instanceof CorruptObjectException) {
      kind = Failure.Kind.CORRUPT;
    } else if (t instanceof AuthException) {
      kind = Failure.Kind.AUTH;
    } else if (t instanceof ObjectNotFoundException) {
      kind = Failure.Kind.MISSING;
    } else if (t instanceof StoreException) {
      kind = Failure.Kind.STORE;
    } else {
      kind = Failure.Kind.LOCAL;
    }
    String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    if (t instanceof FileSystemException fse && fse.getReason() != null) {
      msg = fse.getFile() + ": " + fse.getReason();
    }
    if (msg.contains("No space left on device")) {
      msg += " (" + noSpace + ")";
    }
    return new Failure(name, msg.startsWith(name) ? msg : name + ": " + msg, kind);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
