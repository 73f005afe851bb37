package org.pantri.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pantri.scan.Hasher;
import org.pantri.store.ObjectInfo;
import org.pantri.store.ObjectStore;
import org.pantri.store.PutMeta;
import org.pantri.store.PutResult;
import org.pantri.store.RetryableStoreException;
import org.pantri.store.StoreException;
import org.pantri.store.fs.FsStore;

/** The engine's policy against a store that fails on purpose (fast, in-process). */
class TransferEngineTest {
  @TempDir Path tmp;

  /** Wraps a real store; fails the first N calls of each kind, or cuts downloads mid-stream. */
  static class FaultyStore extends ForwardingStore {
    final AtomicInteger putFailures = new AtomicInteger();
    final AtomicInteger openFailures = new AtomicInteger();
    final AtomicInteger cutAfterBytes = new AtomicInteger(-1);
    final AtomicInteger cuts = new AtomicInteger();
    final List<Long> openOffsets = new ArrayList<>();
    volatile boolean fatal;

    FaultyStore(ObjectStore inner) {
      super(inner);
    }

    @Override
    public String describe() {
      return "faulty " + inner.describe();
    }

    @Override
    public PutResult put(String key, Path source, PutMeta meta) throws IOException {
      if (fatal) {
        throw new StoreException("403 forbidden");
      }
      if (putFailures.getAndDecrement() > 0) {
        throw new RetryableStoreException("503 from server", Duration.ofMillis(10), null);
      }
      return inner.put(key, source, meta);
    }

    @Override
    public InputStream open(String key, long offset) throws IOException {
      synchronized (openOffsets) {
        openOffsets.add(offset);
      }
      if (openFailures.getAndDecrement() > 0) {
        throw new RetryableStoreException("connection refused", null);
      }
      InputStream in = inner.open(key, offset);
      if (cuts.get() <= 0) {
        return in;
      }
      cuts.decrementAndGet();
      int limit = cutAfterBytes.get();
      return new FilterInputStream(in) {
        long read;

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          if (read >= limit) {
            throw new IOException("connection reset by peer");
          }
          int n = super.read(b, off, (int) Math.min(len, limit - read));
          if (n > 0) {
            read += n;
          }
          return n;
        }
      };
    }
  }

  private Path file(String name, int size, long seed) throws IOException {
    return org.pantri.testsupport.RandomFiles.write(tmp, name, size, seed);
  }

  private TransferEngine engine(ObjectStore s, int retries) {
    return new TransferEngine(s, 4, new RetryPolicy(retries, Duration.ofMillis(1), Duration.ofMillis(20)),
        ProgressListener.NONE, new Cancellation());
  }

  private TransferEngine.UploadJob upload(Path f, String key) throws IOException {
    return new TransferEngine.UploadJob(key, f,
        new PutMeta(Files.size(f), Files.getLastModifiedTime(f).toMillis() / 1000, Hasher.hash(f).sha256()), key);
  }

  private TransferEngine.DownloadJob download(Path src, String key, Path target) throws IOException {
    return new TransferEngine.DownloadJob(key, Files.size(src), Hasher.hash(src).sha256(),
        List.of(new TransferEngine.Target(target, 1_600_000_000L)), key);
  }

  @Test
  void transientUploadFailuresAreRetried() throws Exception {
    FaultyStore s = new FaultyStore(new FsStore(tmp.resolve("store")));
    s.prepare();
    s.putFailures.set(3);
    Path f = file("a", 10_000, 1);
    List<String> ok = new ArrayList<>();
    try (TransferEngine e = engine(s, 5)) {
      assertThat(e.upload(List.of(upload(f, "k/a")), j -> ok.add(j.key()))).isEmpty();
    }
    assertThat(ok).containsExactly("k/a");
    assertThat(s.stat("k/a")).isPresent();
  }

  @Test
  void persistentFailureFailsThatObjectOnlyAndNoPitemCallback() throws Exception {
    FaultyStore s = new FaultyStore(new FsStore(tmp.resolve("store")));
    s.prepare();
    s.putFailures.set(1000);
    Path f = file("a", 100, 2);
    List<String> ok = new ArrayList<>();
    try (TransferEngine e = engine(s, 2)) {
      List<Failure> fails = e.upload(List.of(upload(f, "k/a")), j -> ok.add(j.key()));
      assertThat(fails).hasSize(1);
      assertThat(fails.get(0).message()).contains("k/a").contains("503");
    }
    assertThat(ok).isEmpty();
  }

  @Test
  void fatalErrorIsNotRetried() throws Exception {
    FaultyStore s = new FaultyStore(new FsStore(tmp.resolve("store")));
    s.prepare();
    s.fatal = true;
    try (TransferEngine e = engine(s, 5)) {
      List<Failure> fails = e.upload(List.of(upload(file("a", 10, 3), "a")), j -> {});
      assertThat(fails).singleElement().extracting(Failure::kind).isEqualTo(Failure.Kind.STORE);
    }
  }

  @Test
  void downloadCutMidStreamResumesWithRangedReadAndVerifies() throws Exception {
    FaultyStore s = new FaultyStore(new FsStore(tmp.resolve("store")));
    s.prepare();
    Path src = file("big", 3_000_000, 4);
    s.put("obj", src, new PutMeta(Files.size(src), 1, Hasher.hash(src).sha256()));
    s.cutAfterBytes.set(1_000_000);
    s.cuts.set(2);
    Path target = tmp.resolve("out/big");
    Files.createDirectories(target.getParent());
    try (TransferEngine e = engine(s, 5)) {
      assertThat(e.download(List.of(download(src, "obj", target)), tmp.resolve("partial"), j -> {})).isEmpty();
    }
    assertThat(target).hasSameBinaryContentAs(src);
    assertThat(s.openOffsets).containsExactly(0L, 1_000_000L, 2_000_000L);
    assertThat(Files.getLastModifiedTime(target).toMillis()).isEqualTo(1_600_000_000_000L);
    try (var l = Files.list(tmp.resolve("partial"))) {
      assertThat(l).isEmpty();
    }
  }

  /** Past {@link org.pantri.io.WriteBehind#EVERY}: flushed in the background while it downloads. */
  @Test
  void aLargeDownloadFlushedBehindIsWholeAfterACutAndACorruptOneStillNeverArrives() throws Exception {
    FaultyStore s = new FaultyStore(new FsStore(tmp.resolve("store")));
    s.prepare();
    int size = (int) (2.5 * org.pantri.io.WriteBehind.EVERY);
    Path src = file("large", size, 11);
    s.put("obj", src, new PutMeta(size, 1, Hasher.hash(src).sha256()));
    s.cutAfterBytes.set((int) org.pantri.io.WriteBehind.EVERY + 12345); // after the first early flush
    s.cuts.set(1);
    Path target = tmp.resolve("out/large");
    Files.createDirectories(target.getParent());
    try (TransferEngine e = engine(s, 5)) {
      assertThat(e.download(List.of(download(src, "obj", target)), tmp.resolve("partial"), j -> {})).isEmpty();
    }
    assertThat(target).hasSameBinaryContentAs(src);
    assertThat(s.openOffsets).hasSize(2);

    byte[] bad = Files.readAllBytes(src);
    bad[size - 3] ^= 1; // damage past the early flushes
    Path damaged = tmp.resolve("damaged");
    Files.write(damaged, bad);
    s.put("bad", damaged, new PutMeta(size, 1, "x"));
    Path target2 = tmp.resolve("out/large2");
    try (TransferEngine e = engine(s, 5)) {
      assertThat(e.download(List.of(download(src, "bad", target2)), tmp.resolve("partial"), j -> {}))
          .singleElement().satisfies(f -> assertThat(f.kind()).isEqualTo(Failure.Kind.CORRUPT));
    }
    assertThat(target2).doesNotExist();
    try (var l = Files.list(tmp.resolve("partial"))) {
      assertThat(l).allSatisfy(p -> assertThat(Files.size(p)).as("corrupt bytes kept for a resume").isZero());
    }
  }

  @Test
  void partialFileFromAnEarlierRunIsResumed() throws Exception {
    FaultyStore s = new FaultyStore(new FsStore(tmp.resolve("store")));
    s.prepare();
    Path src = file("big", 500_000, 5);
    String sha = Hasher.hash(src).sha256();
    s.put("obj", src, new PutMeta(Files.size(src), 1, sha));
    Path partialDir = tmp.resolve("partial");
    Files.createDirectories(partialDir);
    Path target = tmp.resolve("out/big");
    Files.write(partialDir.resolve(TransferEngine.partialName(download(src, "obj", target))),
        java.util.Arrays.copyOf(Files.readAllBytes(src), 200_000));
    Files.createDirectories(target.getParent());
    try (TransferEngine e = engine(s, 1)) {
      assertThat(e.download(List.of(download(src, "obj", target)), partialDir, j -> {})).isEmpty();
    }
    assertThat(s.openOffsets).containsExactly(200_000L);
    assertThat(target).hasSameBinaryContentAs(src);
  }

  @Test
  void corruptObjectNeverReachesTheTarget() throws Exception {
    FsStore inner = new FsStore(tmp.resolve("store"));
    inner.prepare();
    Path src = file("a", 50_000, 6);
    Path wrong = file("b", 50_000, 7);
    inner.put("obj", wrong, new PutMeta(50_000, 1, "x"));
    Path target = tmp.resolve("out/a");
    Files.createDirectories(target.getParent());
    Files.writeString(target, "old version");
    try (TransferEngine e = engine(inner, 5)) {
      List<Failure> fails = e.download(List.of(download(src, "obj", target)), tmp.resolve("partial"), j -> {});
      assertThat(fails).singleElement().satisfies(f -> {
        assertThat(f.kind()).isEqualTo(Failure.Kind.CORRUPT);
        assertThat(f.message()).contains("SHA-256");
      });
    }
    assertThat(Files.readString(target)).isEqualTo("old version");
  }

  @Test
  void oneDownloadFeedsSeveralTargets() throws Exception {
    FsStore inner = new FsStore(tmp.resolve("store"));
    inner.prepare();
    Path src = file("a", 10_000, 8);
    inner.put("obj", src, new PutMeta(10_000, 1, Hasher.hash(src).sha256()));
    Path t1 = tmp.resolve("out/x/a");
    Path t2 = tmp.resolve("out/y/b");
    Files.createDirectories(t1.getParent());
    Files.createDirectories(t2.getParent());
    try (TransferEngine e = engine(inner, 1)) {
      TransferEngine.DownloadJob j = new TransferEngine.DownloadJob("obj", 10_000, Hasher.hash(src).sha256(),
          List.of(new TransferEngine.Target(t1, 1_500_000_000L), new TransferEngine.Target(t2, 1_600_000_000L)), "a");
      assertThat(e.download(List.of(j), tmp.resolve("partial"), x -> {})).isEmpty();
    }
    assertThat(t1).hasSameBinaryContentAs(src);
    assertThat(t2).hasSameBinaryContentAs(src);
    assertThat(Files.getLastModifiedTime(t1).toMillis()).isEqualTo(1_500_000_000_000L);
    assertThat(Files.getLastModifiedTime(t2).toMillis()).isEqualTo(1_600_000_000_000L);
  }

  @Test
  void downloadsOfOneContentUnderSeveralKeysNeverShareAPartialFile() throws Exception {
    FsStore inner = new FsStore(tmp.resolve("store"));
    inner.prepare();
    Path src = file("a", 4_000_000, 10);
    String sha = Hasher.hash(src).sha256();
    List<TransferEngine.DownloadJob> jobs = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      inner.put("path/" + i, src, new PutMeta(Files.size(src), 1, sha));
      Path t = tmp.resolve("out/" + i);
      Files.createDirectories(t.getParent());
      jobs.add(new TransferEngine.DownloadJob("path/" + i, Files.size(src), sha,
          List.of(new TransferEngine.Target(t, 1_600_000_000L)), "path/" + i));
    }
    try (TransferEngine e = new TransferEngine(inner, 8, new RetryPolicy(0, Duration.ofMillis(1),
        Duration.ofMillis(2)), ProgressListener.NONE, new Cancellation())) {
      assertThat(e.download(jobs, tmp.resolve("partial"), x -> {})).isEmpty();
    }
    for (int i = 0; i < 6; i++) {
      assertThat(tmp.resolve("out/" + i)).hasSameBinaryContentAs(src);
    }
    assertThat(jobs.stream().map(TransferEngine::partialName).distinct()).hasSize(6);
  }

  @Test
  void aMultipartUploadHasOneRetryBudgetForAllItsParts() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    org.pantri.store.MultipartStore mp = new org.pantri.store.MultipartStore() {
      public long partSize() {
        return 1000;
      }

      public MultipartUpload startMultipart(String key, PutMeta meta) {
        return new MultipartUpload() {
          public java.util.Map<Integer, String> storedParts() {
            return java.util.Map.of();
          }

          public PutResult putPart(int n, Path file, long off, long len) throws IOException {
            calls.incrementAndGet();
            throw new RetryableStoreException("503 for part " + n, Duration.ofMillis(1), null);
          }

          public void complete(java.util.Map<Integer, String> parts) {}

          public void abort() {}
        };
      }

      public String describe() {
        return "always 503";
      }

      public void prepare() {}

      public Optional<ObjectInfo> stat(String key) {
        return Optional.empty();
      }

      public List<ObjectInfo> list(String prefix) {
        return List.of();
      }

      public PutResult put(String key, Path source, PutMeta meta) {
        return PutResult.unchecked(null);
      }

      public InputStream open(String key, long offset) {
        return InputStream.nullInputStream();
      }

      public void delete(String key) {}
    };
    Path f = file("mp", 10_000, 11); // ten parts
    try (TransferEngine e = new TransferEngine(mp, 1, new RetryPolicy(3, Duration.ofMillis(1),
        Duration.ofMillis(2)), ProgressListener.NONE, new Cancellation())) {
      assertThat(e.upload(List.of(upload(f, "mp")), j -> {})).hasSize(1);
    }
    // the first part's attempt and three retries: the budget is the object's, not each part's
    assertThat(calls.get()).isEqualTo(4);
  }

  @Test
  void aCopyTheStoreReportsDamagedIsDeletedAndSentAgainByTheEngine() throws Exception {
    FsStore inner = new FsStore(tmp.resolve("store"));
    inner.prepare();
    AtomicInteger puts = new AtomicInteger();
    List<String> deletes = new ArrayList<>();
    FaultyStore s = new FaultyStore(inner) {
      @Override
      public PutResult put(String key, Path source, PutMeta meta) throws IOException {
        inner.put(key, source, meta);
        // the first copy arrives damaged: the server's MD5 is not the MD5 of what was sent
        return puts.incrementAndGet() == 1 ? PutResult.md5("00ff", "abcd") : PutResult.md5("abcd", "ABCD");
      }

      @Override
      public void delete(String key) throws IOException {
        deletes.add(key);
        super.delete(key);
      }
    };
    Path f = file("a", 1000, 12);
    try (TransferEngine e = engine(s, 2)) {
      assertThat(e.upload(List.of(upload(f, "k/a")), j -> {})).isEmpty();
    }
    assertThat(puts.get()).isEqualTo(2);
    assertThat(deletes).containsExactly("k/a");
    // without retries left, the damage is the failure
    puts.set(0);
    try (TransferEngine e = engine(s, 0)) {
      assertThat(e.upload(List.of(upload(f, "k/b")), j -> {})).singleElement()
          .satisfies(x -> assertThat(x.message()).contains("damaged in transit"));
    }
    assertThat(deletes).containsExactly("k/a", "k/b");
  }

  @Test
  void aFailedDownloadForSeveralPathsNamesEveryOne() throws Exception {
    FsStore inner = new FsStore(tmp.resolve("store"));
    inner.prepare();
    Path src = file("a", 1000, 13);
    TransferEngine.DownloadJob j = new TransferEngine.DownloadJob("missing", 1000, Hasher.hash(src).sha256(),
        List.of(new TransferEngine.Target(tmp.resolve("out/x"), 1, "mac/x.pkg"),
            new TransferEngine.Target(tmp.resolve("out/y"), 1, "win/y.pkg")), "mac/x.pkg");
    try (TransferEngine e = engine(inner, 0)) {
      assertThat(e.download(List.of(j), tmp.resolve("partial"), x -> {})).singleElement().satisfies(f -> {
        assertThat(f.kind()).isEqualTo(Failure.Kind.MISSING);
        assertThat(f.message()).contains("mac/x.pkg").contains("win/y.pkg");
      });
    }
    assertThat(tmp.resolve("out/x")).doesNotExist();
    assertThat(tmp.resolve("out/y")).doesNotExist();
  }

  @Test
  void cancelledEngineStartsNothing() throws Exception {
    FsStore inner = new FsStore(tmp.resolve("store"));
    inner.prepare();
    Cancellation c = new Cancellation();
    c.cancel();
    try (TransferEngine e = new TransferEngine(inner, 2, RetryPolicy.of(1), ProgressListener.NONE, c)) {
      List<Failure> fails = e.upload(List.of(upload(file("a", 10, 9), "a")), j -> {});
      assertThat(fails).singleElement().extracting(Failure::kind).isEqualTo(Failure.Kind.INTERRUPTED);
    }
    assertThat(inner.stat("a")).isEmpty();
  }

  @Test
  void backoffGrowsIsCappedAndHonoursRetryAfter() {
    RetryPolicy p = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofSeconds(2));
    assertThat(p.delay(1, null).toMillis()).isBetween(50L, 100L);
    assertThat(p.delay(3, null).toMillis()).isBetween(200L, 400L);
    assertThat(p.delay(30, null).toMillis()).isBetween(1000L, 2000L);
    assertThat(p.delay(1, Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(1));
    assertThat(p.delay(1, Duration.ofMinutes(5))).isEqualTo(Duration.ofSeconds(2));
  }
}
