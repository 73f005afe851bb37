package org.pantri.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.pantri.store.AuthException;
import org.pantri.store.MultipartStore;
import org.pantri.store.ObjectNotFoundException;
import org.pantri.store.ObjectStore;
import org.pantri.store.PutMeta;
import org.pantri.store.RetryableStoreException;
import org.pantri.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one path every byte takes between disk and a store: N transfers at once, retries with
 * backoff, multipart uploads, resumable verified downloads written atomically, cancellation.
 * Stores only move bytes and classify errors; the policy is here.
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

  /** Upload the file at {@code source} as {@code key}; {@code name} is what messages call it. */
  public record UploadJob(String key, Path source, PutMeta meta, String name) {}

  /** Where one downloaded object goes, and the mtime it gets there. */
  public record Target(Path path, long mtimeSeconds) {}

  /**
   * Download {@code key} (expected size and SHA-256) to every target. When {@code key} does not
   * exist, {@code fallbackKey} (may be null) is tried: containers the original tool filled name
   * objects by path, and the SHA-256 check makes reading them under another name safe.
   */
  public record DownloadJob(String key, long size, String sha256, List<Target> targets, String name,
      String fallbackKey) {
    public DownloadJob(String key, long size, String sha256, List<Target> targets, String name) {
      this(key, size, sha256, targets, name, null);
    }
  }

  public TransferEngine(ObjectStore store, int jobs, RetryPolicy retry, ProgressListener progress,
      Cancellation cancel) {
    this.store = store;
    this.retrier = new Retrier(retry, progress, cancel);
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
    progress.begin("upload", jobs.size(), jobs.stream().mapToLong(j -> j.meta().size()).sum());
    List<Failure> failures = Collections.synchronizedList(new ArrayList<>());
    List<Future<?>> futures = new ArrayList<>();
    for (UploadJob job : jobs) {
      boolean multipart = store instanceof MultipartStore mp && job.meta().size() > mp.partSize();
      Runnable task = () -> {
        try {
          cancel.check();
          if (multipart) {
            uploadMultipart((MultipartStore) store, job);
          } else {
            withRetries(job.name(), () -> {
              cancel.check();
              store.put(job.key(), job.source(), job.meta());
              return null;
            });
            progress.bytes(job.meta().size());
          }
          checkSourceUnchanged(job);
          onSuccess.accept(job);
          progress.done(job.name(), job.meta().size());
        } catch (Exception e) {
          Failure f = failure(job.name(), e);
          failures.add(f);
          progress.failed(job.name(), f.message());
        }
      };
      futures.add(multipart ? coordinators.submit(task) : transfers.submit(task));
    }
    awaitAll(futures);
    progress.end();
    return failures;
  }

  private void uploadMultipart(MultipartStore mp, UploadJob job) throws Exception {
    long size = job.meta().size();
    long partSize = mp.partSize(size);
    int count = (int) ((size + partSize - 1) / partSize);
    MultipartStore.MultipartUpload up =
        withRetries(job.name(), () -> mp.startMultipart(job.key(), job.meta()));
    Map<Integer, String> etags = new ConcurrentHashMap<>();
    withRetries(job.name(), up::storedParts).forEach((n, etag) -> {
      if (n >= 1 && n <= count) {
        etags.put(n, etag);
      }
    });
    if (!etags.isEmpty()) {
      LOG.info("{}: resuming, {} of {} parts already stored", job.name(), etags.size(), count);
      etags.keySet().forEach(n -> progress.bytes(partLength(n, partSize, size)));
    }
    List<Future<?>> parts = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      if (etags.containsKey(i)) {
        continue;
      }
      int n = i;
      long off = (n - 1) * partSize;
      long len = partLength(n, partSize, size);
      parts.add(transfers.submit(() -> {
        cancel.check();
        etags.put(n, withRetries(job.name() + " part " + n, () -> {
          cancel.check();
          return up.putPart(n, job.source(), off, len);
        }));
        progress.bytes(len);
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
    withRetries(job.name(), () -> {
      up.complete(new TreeMap<>(etags));
      return null;
    });
  }

  private static long partLength(int n, long partSize, long size) {
    return Math.min(partSize, size - (n - 1) * partSize);
  }

  /** A file edited while it was uploaded no longer matches its hashes: undo and fail it. */
  private void checkSourceUnchanged(UploadJob job) throws IOException {
    BasicFileAttributes a = Files.readAttributes(job.source(), BasicFileAttributes.class);
    if (a.size() != job.meta().size() || org.pantri.store.FileTimes.pythonSeconds(a.lastModifiedTime()) != job.meta().mtimeSeconds()) {
      try {
        store.delete(job.key());
      } catch (IOException e) {
        LOG.debug("could not delete {} after its source changed: {}", job.key(), e.getMessage());
      }
      throw new StoreException(job.source() + " changed while it was being stored; run store again");
    }
  }

  // ---------------------------------------------------------------- downloads

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
          Files.createDirectories(partialDir);
          Path partial = partialDir.resolve(job.sha256() + ".part");
          withRetries(job.name(), () -> {
            fetchVerified(job, partial);
            return null;
          });
          place(partial, job);
          onSuccess.accept(job);
          progress.done(job.name(), job.size());
        } catch (Exception e) {
          Failure f = failure(job.name(), e);
          failures.add(f);
          progress.failed(job.name(), f.message());
        }
      }));
    }
    awaitAll(futures);
    progress.end();
    return failures;
  }

  /** Leaves exactly the expected bytes in {@code partial}, or throws. */
  private void fetchVerified(DownloadJob job, Path partial) throws IOException {
    MessageDigest sha = sha256();
    long have = Files.exists(partial) ? Files.size(partial) : 0;
    if (have > job.size()) {
      Files.delete(partial);
      have = 0;
    }
    if (have > 0) {
      try (InputStream in = Files.newInputStream(partial)) {
        byte[] b = new byte[BUFFER];
        int n;
        while ((n = in.read(b)) > 0) {
          sha.update(b, 0, n);
        }
      }
      LOG.debug("{}: resuming download at byte {}", job.name(), have);
      progress.bytes(have);
    }
    if (have < job.size() || job.size() == 0) {
      have = copyFromStore(job, partial, have, sha);
    }
    if (have != job.size()) {
      throw new RetryableStoreException(job.name() + ": object ended after " + have + " of "
          + job.size() + " bytes", null);
    }
    String actual = HexFormat.of().formatHex(sha.digest());
    if (!actual.equals(job.sha256())) {
      Files.deleteIfExists(partial);
      throw new CorruptObjectException(job.name() + ": downloaded content has SHA-256 " + actual
          + " but the pitem says " + job.sha256() + " (object " + job.key() + " is corrupt or was replaced)");
    }
  }

  private long copyFromStore(DownloadJob job, Path partial, long have, MessageDigest sha) throws IOException {
    byte[] buf = new byte[BUFFER];
    try (InputStream in = openObject(job, have);
        FileChannel out = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.APPEND)) {
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
          Files.deleteIfExists(partial);
          throw new CorruptObjectException(job.name() + ": object " + job.key()
              + " is larger than the pitem's " + job.size() + " bytes");
        }
        sha.update(buf, 0, n);
        ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
        while (bb.hasRemaining()) {
          out.write(bb);
        }
        have += n;
        progress.bytes(n);
      }
      out.force(true);
    }
    return have;
  }

  private InputStream openObject(DownloadJob job, long offset) throws IOException {
    try {
      return store.open(job.key(), offset);
    } catch (ObjectNotFoundException e) {
      if (job.fallbackKey() == null || job.fallbackKey().equals(job.key())) {
        throw e;
      }
      try {
        InputStream in = store.open(job.fallbackKey(), offset);
        LOG.debug("{}: {} not found, reading {} instead", job.name(), job.key(), job.fallbackKey());
        return in;
      } catch (ObjectNotFoundException e2) {
        throw new ObjectNotFoundException(e.getMessage() + " (nor under its path '" + job.fallbackKey() + "')");
      }
    }
  }

  /** Moves the verified temp file to the last target; other targets get copies. Atomic each. */
  private void place(Path partial, DownloadJob job) throws IOException {
    List<Target> targets = job.targets();
    for (int i = 0; i < targets.size(); i++) {
      Path target = targets.get(i).path();
      Files.setLastModifiedTime(partial, FileTime.fromMillis(targets.get(i).mtimeSeconds() * 1000));
      Files.createDirectories(target.getParent());
      if (Files.isDirectory(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        throw new StoreException(target + " is a directory; remove it so the file can be written");
      }
      if (i < targets.size() - 1) {
        Path tmp = tempBeside(target);
        try {
          Files.copy(partial, tmp, StandardCopyOption.COPY_ATTRIBUTES);
          moveAtomic(tmp, target);
        } finally {
          Files.deleteIfExists(tmp);
        }
      } else {
        try {
          moveAtomic(partial, target);
        } catch (AtomicMoveNotSupportedException e) {
          // Temp area on another file system: stage beside the target instead.
          Path tmp = tempBeside(target);
          try {
            Files.copy(partial, tmp, StandardCopyOption.COPY_ATTRIBUTES);
            moveAtomic(tmp, target);
          } finally {
            Files.deleteIfExists(tmp);
          }
          Files.deleteIfExists(partial);
        }
      }
    }
  }

  public static Path tempBeside(Path target) {
    // Short and independent of the target's name: a 250-byte name must still have a temp name.
    return target.resolveSibling(".pantri-tmp-" + ProcessHandle.current().pid() + "-"
        + Long.toHexString(ThreadLocalRandom.current().nextLong()));
  }

  public static void moveAtomic(Path from, Path to) throws IOException {
    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  // ---------------------------------------------------------------- retries

  <T> T withRetries(String name, Retrier.Call<T> call) throws IOException {
    return retrier.call(name, call);
  }

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
      // the partial download is kept so a rerun resumes it once space is freed
      msg += " (free space on the destination's file system, then rerun; partial downloads under "
          + ".pantri/partial resume)";
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
