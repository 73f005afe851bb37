package org.pantri.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.pantri.store.ObjectInfo;
import org.pantri.store.ObjectStore;
import org.pantri.store.PutMeta;
import org.pantri.transfer.Cancellation;
import org.pantri.transfer.ProgressListener;
import org.pantri.transfer.Retrier;
import org.pantri.transfer.RetryPolicy;

/** RemoteCheck: one listing per prefix for many objects, a stat each for a few; missing, wrong size, fallback. */
class RemoteCheckTest {
  /** An in-memory store that counts its requests. */
  static final class Counting implements ObjectStore {
    final Map<String, Long> objects = new TreeMap<>();
    final List<String> calls = new ArrayList<>();

    @Override
    public String describe() {
      return "memory";
    }

    @Override
    public void prepare() {}

    @Override
    public Optional<ObjectInfo> stat(String key) {
      calls.add("stat " + key);
      Long s = objects.get(key);
      return s == null ? Optional.empty() : Optional.of(new ObjectInfo(key, s, -1, null));
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
      calls.add("list " + prefix);
      return objects.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
          .map(e -> new ObjectInfo(e.getKey(), e.getValue(), -1, null)).toList();
    }

    @Override
    public org.pantri.store.PutResult put(String key, Path source, PutMeta meta) {
      return null;
    }

    @Override
    public InputStream open(String key, long offset) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void delete(String key) {}
  }

  static Retrier retrier() {
    return new Retrier(RetryPolicy.of(0), ProgressListener.NONE, new Cancellation());
  }

  static String key(int i) {
    String h = String.format("%064x", i);
    return "sha256/" + h.substring(0, 2) + "/" + h.substring(2, 4) + "/" + h;
  }

  @Test
  void manyObjectsTakeOneListingPerPrefix() throws Exception {
    Counting s = new Counting();
    List<RemoteCheck.Want> wants = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      if (i != 17) {
        s.objects.put(key(i), i == 42 ? 1L : 100L);
      }
      wants.add(new RemoteCheck.Want(key(i), 100, "shelves/m/f" + i + ".pitem", null));
    }
    for (int i = 0; i < 50; i++) {
      s.objects.put("win/p" + i, 7L);
      wants.add(new RemoteCheck.Want("win/p" + i, 7, "shelves/win/p" + i + ".pitem", null));
    }
    RemoteCheck.Report r = RemoteCheck.check(s, wants, retrier());
    assertThat(s.calls).containsExactly("list sha256/", "list win/");
    assertThat(r.requests()).isEqualTo(2);
    assertThat(r.problems()).hasSize(2);
    assertThat(r.problems().get(0).missing()).isTrue();
    assertThat(r.problems().get(0).describe("memory")).contains("shelves/m/f17.pitem").contains("is missing from memory");
    assertThat(r.problems().get(1).actualSize()).isEqualTo(1);
    assertThat(r.problems().get(1).describe("memory")).contains("has 1 bytes, the pitem says 100");
  }

  @Test
  void aFewObjectsAreStatedAndTheFallbackKeyIsTried() throws Exception {
    Counting s = new Counting();
    s.objects.put(key(1), 10L);
    s.objects.put("mac/old.pkg", 20L); // the original tool's path-named object
    List<RemoteCheck.Want> wants = List.of(
        new RemoteCheck.Want(key(1), 10, "a", "mac/a.pkg"),
        new RemoteCheck.Want(key(2), 20, "old", "mac/old.pkg"),
        new RemoteCheck.Want(key(3), 30, "gone", "mac/gone.pkg"));
    RemoteCheck.Report r = RemoteCheck.check(s, wants, retrier());
    assertThat(r.problems()).extracting(p -> p.want().where()).containsExactly("gone");
    assertThat(s.calls).containsExactly("stat " + key(1), "stat " + key(2), "stat " + key(3), "stat mac/old.pkg",
        "stat mac/gone.pkg");
  }
}
