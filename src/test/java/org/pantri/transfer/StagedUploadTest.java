package org.pantri.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pantri.store.ObjectInfo;
import org.pantri.store.PutMeta;
import org.pantri.store.PutResult;
import org.pantri.store.StagingStore;
import org.pantri.store.fs.FsStore;

/** Uploads through a {@link StagingStore}: success (the pitem) only after the object is published. */
class StagedUploadTest {
  @TempDir Path tmp;

  /** The real fs store, with publishes that are slow, recorded, and can fail on purpose. */
  static final class RecordingStore extends ForwardingStore implements StagingStore {
    final FsStore fs;
    final List<Integer> batches = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger puts = new AtomicInteger();
    final Set<String> failKeys = ConcurrentHashMap.newKeySet();
    volatile boolean explode;

    RecordingStore(FsStore fs) {
      super(fs);
      this.fs = fs;
    }

    @Override
    public boolean stages(long size) {
      return fs.stages(size);
    }

    @Override
    public Staged stage(String key, Path source, PutMeta meta) throws IOException {
      return fs.stage(key, source, meta);
    }

    @Override
    public Map<Staged, IOException> publish(List<Staged> staged) {
      if (explode) {
        throw new IllegalStateException("bug in publish");
      }
      try {
        Thread.sleep(20); // a slow sync: uploads staged meanwhile gather into the next batch
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      batches.add(staged.size());
      List<Staged> go = new ArrayList<>();
      Map<Staged, IOException> failed = new HashMap<>();
      for (Staged s : staged) {
        if (failKeys.contains(s.key())) {
          fs.discard(s);
          failed.put(s, new IOException("disk on fire for " + s.key()));
        } else {
          go.add(s);
        }
      }
      failed.putAll(fs.publish(go));
      return failed;
    }

    @Override
    public void discard(Staged staged) {
      fs.discard(staged);
    }

    @Override
    public PutResult put(String key, Path source, PutMeta meta) throws IOException {
      puts.incrementAndGet();
      return inner.put(key, source, meta);
    }
  }

  private List<TransferEngine.UploadJob> jobs(int n, int size) throws IOException {
    List<TransferEngine.UploadJob> out = new ArrayList<>();
    Random r = new Random(n);
    for (int i = 0; i < n; i++) {
      byte[] b = new byte[size + r.nextInt(1000)];
      r.nextBytes(b);
      Path f = tmp.resolve("src-" + size + "-" + i);
      Files.write(f, b);
      out.add(new TransferEngine.UploadJob("obj/" + size + "/" + i, f,
          new PutMeta(b.length, Files.getLastModifiedTime(f).toMillis() / 1000, null), "file " + i));
    }
    return out;
  }

  private static TransferEngine engine(RecordingStore s) {
    return new TransferEngine(s, 4, new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(5)),
        ProgressListener.NONE, new Cancellation());
  }

  @Test
  void everySuccessComesAfterItsObjectIsPublishedAndPublishesAreBatched() throws Exception {
    RecordingStore s = new RecordingStore(new FsStore(tmp.resolve("store")));
    s.prepare();
    List<TransferEngine.UploadJob> jobs = jobs(300, 3000);
    List<String> notThereYet = Collections.synchronizedList(new ArrayList<>());
    List<String> ok = Collections.synchronizedList(new ArrayList<>());
    try (TransferEngine e = engine(s)) {
      List<Failure> failures = e.upload(jobs, j -> {
        try {
          if (s.stat(j.key()).isEmpty()) {
            notThereYet.add(j.key());
          }
        } catch (IOException ex) {
          notThereYet.add(j.key() + ": " + ex);
        }
        ok.add(j.key());
      });
      assertThat(failures).isEmpty();
    }
    assertThat(notThereYet).as("objects not yet in place when their success ran").isEmpty();
    assertThat(ok).hasSize(300).doesNotHaveDuplicates();
    for (TransferEngine.UploadJob j : jobs) {
      assertThat(s.fs.root().resolve(j.key())).hasSameBinaryContentAs(j.source());
    }
    assertThat(s.batches.stream().mapToInt(Integer::intValue).sum()).isEqualTo(300);
    assertThat(s.batches.size()).as("publishes for 300 objects: " + s.batches).isLessThan(60);
    assertThat(s.puts).hasValue(0);
    s.close();
    try (var l = Files.list(s.fs.root())) {
      assertThat(l.map(p -> p.getFileName().toString())).containsExactly("obj");
    }
  }

  @Test
  void aFailedPublishFailsOnlyItsObjectsWithoutTheirSuccess() throws Exception {
    RecordingStore s = new RecordingStore(new FsStore(tmp.resolve("store")));
    s.prepare();
    List<TransferEngine.UploadJob> jobs = jobs(40, 2000);
    s.failKeys.add(jobs.get(3).key());
    s.failKeys.add(jobs.get(30).key());
    List<String> ok = Collections.synchronizedList(new ArrayList<>());
    List<Failure> failures;
    try (TransferEngine e = engine(s)) {
      failures = e.upload(jobs, j -> ok.add(j.key()));
    }
    assertThat(failures).extracting(Failure::message).hasSize(2)
        .anySatisfy(m -> assertThat(m).contains("disk on fire for " + jobs.get(3).key()))
        .anySatisfy(m -> assertThat(m).contains("disk on fire for " + jobs.get(30).key()));
    assertThat(ok).hasSize(38).doesNotContain(jobs.get(3).key(), jobs.get(30).key());
    assertThat(s.stat(jobs.get(3).key())).isEmpty();
  }

  @Test
  void aPublishThatThrowsFailsItsBatchAndTheRunStillEnds() throws Exception {
    RecordingStore s = new RecordingStore(new FsStore(tmp.resolve("store")));
    s.prepare();
    s.explode = true;
    List<String> ok = Collections.synchronizedList(new ArrayList<>());
    List<Failure> failures;
    try (TransferEngine e = engine(s)) {
      failures = e.upload(jobs(25, 1000), j -> ok.add(j.key()));
    }
    assertThat(ok).isEmpty();
    assertThat(failures).hasSize(25).allSatisfy(f -> assertThat(f.message()).contains("bug in publish"));
  }

  @Test
  void largeObjectsArePutAndSyncedOneByOne() throws Exception {
    RecordingStore s = new RecordingStore(new FsStore(tmp.resolve("store")));
    s.prepare();
    List<TransferEngine.UploadJob> big = jobs(2, 5 << 20);
    List<String> ok = Collections.synchronizedList(new ArrayList<>());
    try (TransferEngine e = engine(s)) {
      assertThat(e.upload(big, j -> ok.add(j.key()))).isEmpty();
    }
    assertThat(s.puts).hasValue(2);
    assertThat(s.batches).isEmpty();
    assertThat(ok).hasSize(2);
  }
}
