package org.pantri.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every {@link ObjectStore} must have. Each backend's test subclasses this and
 * returns a fresh, empty store (its own container / bucket / directory) from {@link #newStore}.
 * Stores with the multipart capability extend {@link MultipartStoreContractTest} instead.
 */
public abstract class ObjectStoreContractTest {
  @TempDir protected Path tmp;
  protected ObjectStore store;

  /** A new store over an empty, unique namespace; not yet opened. */
  protected abstract ObjectStore newStore() throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    store = newStore();
    store.prepare();
  }

  @AfterEach
  void closeStore() throws Exception {
    if (store != null) {
      store.close();
    }
  }

  protected Path file(String name, int size, long seed) throws IOException {
    return org.pantri.testsupport.RandomFiles.write(tmp, name, size, seed);
  }

  protected static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  protected static PutMeta meta(Path p, long mtime) throws Exception {
    byte[] b = Files.readAllBytes(p);
    return new PutMeta(b.length, mtime, sha256(b));
  }

  protected static byte[] read(ObjectStore s, String key, long offset) throws IOException {
    try (InputStream in = s.open(key, offset)) {
      return in.readAllBytes();
    }
  }

  /** gc's age: a listing says when the store wrote each object (not the source's old mtime). */
  @Test
  void listingSaysWhenTheObjectWasStored() throws Exception {
    Path f = file("aged.bin", 1000, 9);
    long before = System.currentTimeMillis() / 1000;
    store.put("aged/x.bin", f, meta(f, 1_500_000_000L));
    List<ObjectInfo> l = store.list("aged/");
    assertThat(l).hasSize(1);
    assertThat(l.get(0).storedAtSeconds()).isBetween(before - 120, System.currentTimeMillis() / 1000 + 120);
    // deleting with parts removes a plain object, and a missing one is no error
    store.deleteWithParts("aged/x.bin");
    store.deleteWithParts("aged/x.bin");
    assertThat(store.list("aged/")).isEmpty();
  }

  @Test
  void putThenOpenReturnsTheSameBytes() throws Exception {
    Path f = file("a.bin", 100_000, 1);
    store.put("dir/sub/a.bin", f, meta(f, 1_500_000_000L));
    assertThat(read(store, "dir/sub/a.bin", 0)).isEqualTo(Files.readAllBytes(f));
  }

  @Test
  void statReportsSizeAndIsEmptyForMissing() throws Exception {
    Path f = file("b.bin", 1234, 2);
    store.put("b.bin", f, meta(f, 1_600_000_000L));
    ObjectInfo info = store.stat("b.bin").orElseThrow();
    assertThat(info.key()).isEqualTo("b.bin");
    assertThat(info.size()).isEqualTo(1234);
    if (info.mtimeSeconds() >= 0) {
      assertThat(info.mtimeSeconds()).isEqualTo(1_600_000_000L);
    }
    assertThat(store.stat("nope.bin")).isEmpty();
  }

  @Test
  void emptyObjectRoundTrips() throws Exception {
    Path f = file("empty", 0, 3);
    store.put("empty.bin", f, meta(f, 1_600_000_000L));
    assertThat(store.stat("empty.bin").orElseThrow().size()).isZero();
    assertThat(read(store, "empty.bin", 0)).isEmpty();
  }

  @Test
  void putReplacesExistingObject() throws Exception {
    Path f1 = file("v1", 500, 4);
    Path f2 = file("v2", 700, 5);
    store.put("k", f1, meta(f1, 1));
    store.put("k", f2, meta(f2, 2));
    assertThat(read(store, "k", 0)).isEqualTo(Files.readAllBytes(f2));
    assertThat(store.stat("k").orElseThrow().size()).isEqualTo(700);
  }

  @Test
  void openAtOffsetReadsTheRest() throws Exception {
    Path f = file("r.bin", 10_000, 6);
    store.put("r.bin", f, meta(f, 1));
    byte[] all = Files.readAllBytes(f);
    byte[] tail = read(store, "r.bin", 4096);
    assertThat(tail).isEqualTo(java.util.Arrays.copyOfRange(all, 4096, all.length));
  }

  @Test
  void openMissingObjectThrowsNotFound() {
    assertThatThrownBy(() -> read(store, "missing/x.bin", 0))
        .isInstanceOf(ObjectNotFoundException.class)
        .hasMessageContaining("missing/x.bin");
  }

  @Test
  void listReturnsObjectsUnderPrefixOnly() throws Exception {
    Path f = file("l.bin", 10, 7);
    PutMeta m = meta(f, 1);
    store.put("p/a/1", f, m);
    store.put("p/a/2", f, m);
    store.put("p/b/3", f, m);
    store.put("q/4", f, m);
    assertThat(store.list("p/a/")).extracting(ObjectInfo::key).containsExactlyInAnyOrder("p/a/1", "p/a/2");
    assertThat(store.list("p/")).extracting(ObjectInfo::key).containsExactlyInAnyOrder("p/a/1", "p/a/2", "p/b/3");
    assertThat(store.list("p/a/1")).extracting(ObjectInfo::size).containsExactly(10L);
    assertThat(store.list("zzz/")).isEmpty();
  }

  @Test
  void deleteRemovesAndToleratesMissing() throws Exception {
    Path f = file("d.bin", 10, 8);
    store.put("d.bin", f, meta(f, 1));
    store.delete("d.bin");
    assertThat(store.stat("d.bin")).isEmpty();
    store.delete("d.bin");
  }

  @Test
  void hostileKeysAreRefused() {
    for (String key : List.of("../escape", "/abs", "a/../../b", "a\\b", "a\0b", "a//b")) {
      assertThatThrownBy(() -> store.stat(key)).as(key).isInstanceOf(StoreException.class);
    }
  }

  @Test
  void unicodeAndSpacesInKeys() throws Exception {
    Path f = file("u.bin", 64, 9);
    String key = "mac/Café Tools/emoji😀 v1.0 (x86).pkg";
    store.put(key, f, meta(f, 1));
    assertThat(read(store, key, 0)).isEqualTo(Files.readAllBytes(f));
    assertThat(store.list("mac/")).extracting(ObjectInfo::key).containsExactly(key);
  }

  @Test
  void concurrentPutsAndGetsFromManyThreads() throws Exception {
    int n = 32;
    Map<String, byte[]> expected = new HashMap<>();
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Path f = file("c" + i, 20_000 + i, 100 + i);
      files.add(f);
      expected.put("conc/" + i, Files.readAllBytes(f));
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int idx = i;
        fs.add(pool.submit(() -> {
          store.put("conc/" + idx, files.get(idx), meta(files.get(idx), 1));
          return null;
        }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
      List<Future<byte[]>> reads = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int idx = i;
        reads.add(pool.submit(() -> read(store, "conc/" + idx, 0)));
      }
      for (int i = 0; i < n; i++) {
        assertThat(reads.get(i).get()).isEqualTo(expected.get("conc/" + i));
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(store.list("conc/")).hasSize(n);
  }
}
