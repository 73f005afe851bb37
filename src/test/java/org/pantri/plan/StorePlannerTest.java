package org.pantri.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.pantri.pitem.Pitem;
import org.pantri.plan.StorePlanner.Item;
import org.pantri.plan.StorePlanner.Plan;
import org.pantri.plan.StorePlanner.StoredFact;
import org.pantri.plan.StorePlanner.Upload;
import org.pantri.repo.Layout;

/** What store re-hashes, uploads and takes as already stored (SPEC §4 steps 4 and 6). */
class StorePlannerTest {
  private static final String SHA1 = "1".repeat(40);

  private static String sha(int n) {
    return String.format("%064x", n);
  }

  /** What a store listing says about one object (the planner sees only size and mtime). */
  record ObjectInfo(String key, long size, long mtimeSeconds, String etag) implements StorePlanner.Stored {}

  private static Pitem pitem(String path, long size, long mtime, int content) {
    return new Pitem(path, size, mtime, SHA1, sha(content));
  }

  private static Item item(String path, long size, long mtime, int content) {
    return new Item(Path.of("/repo/shelves").resolve(path), pitem(path, size, mtime, content), null);
  }

  private static Map<String, StoredFact> store(ObjectInfo... objects) {
    Map<String, StoredFact> m = new HashMap<>();
    for (ObjectInfo o : objects) {
      m.put(o.key(), new StoredFact(o.size(), o.mtimeSeconds()));
    }
    return m;
  }

  @Test
  void hashesReusedOnlyWhenSizeAndMtimeBothMatchAndNeverWithChecksum() {
    Pitem prev = pitem("mac/a.pkg", 1000, 1500000000, 7);
    assertThat(StorePlanner.canReuseHashes(1000, 1500000000, prev, false)).isTrue();
    assertThat(StorePlanner.canReuseHashes(1001, 1500000000, prev, false)).as("size differs").isFalse();
    assertThat(StorePlanner.canReuseHashes(1000, 1500000001, prev, false)).as("mtime differs").isFalse();
    assertThat(StorePlanner.canReuseHashes(999, 1499999999, prev, false)).as("both differ").isFalse();
    assertThat(StorePlanner.canReuseHashes(1000, 1500000000, prev, true)).as("--checksum").isFalse();
    assertThat(StorePlanner.canReuseHashes(1000, 1500000000, null, false)).as("no pitem yet").isFalse();
    // An old pitem without SHA-1 has to be hashed again to get one.
    Pitem old = new Pitem("mac/a.pkg", 1000, 1500000000, null, sha(7));
    assertThat(StorePlanner.canReuseHashes(1000, 1500000000, old, false)).isFalse();
    // Sizes past 2^31 and 2^53 compare as longs, not ints or doubles.
    Pitem big = pitem("mac/b.dmg", (1L << 53) + 1, 1, 7);
    assertThat(StorePlanner.canReuseHashes((1L << 53) + 1, 1, big, false)).isTrue();
    assertThat(StorePlanner.canReuseHashes(1L << 53, 1, big, false)).isFalse();
    assertThat(StorePlanner.canReuseHashes((1L << 32) + 5, 1, pitem("x", 5, 1, 7), false)).isFalse();
  }

  @Test
  void contentLayoutUploadsWhatTheStoreLacksOrHoldsWithAnotherSize() {
    Item absent = item("mac/absent.pkg", 10, 100, 1);
    Item present = item("mac/present.pkg", 20, 100, 2);
    Item wrongSize = item("mac/truncated.pkg", 30, 100, 3);
    Layout l = Layout.CONTENT;
    Plan plan = StorePlanner.plan(List.of(absent, present, wrongSize), l, store(
        // a listing has no mtime (-1) and the content layout needs none: the key names the content
        new ObjectInfo(l.key(present.path(), sha(2)), 20, -1, null),
        new ObjectInfo(l.key(wrongSize.path(), sha(3)), 29, 100, null)));
    assertThat(plan.uploads()).extracting(Upload::key)
        .containsExactly(l.key(wrongSize.path(), sha(3)), l.key(absent.path(), sha(1)));
    assertThat(plan.alreadyStored()).containsExactly(present);
    assertThat(plan.uploadBytes()).isEqualTo(40);
    assertThat(plan.uploads().get(0).key()).isEqualTo("sha256/00/00/" + sha(3));
  }

  @Test
  void pathLayoutNeedsSizeAndRecordedMtime() {
    Layout l = Layout.PATH;
    Item same = item("mac/same.pkg", 10, 100, 1);
    Item touched = item("mac/touched.pkg", 10, 101, 2);
    Item resized = item("mac/resized.pkg", 11, 100, 3);
    Item unknownMtime = item("mac/nometa.pkg", 10, 100, 4);
    Item absent = item("mac/absent.pkg", 10, 100, 5);
    Plan plan = StorePlanner.plan(List.of(same, touched, resized, unknownMtime, absent), l, store(
        new ObjectInfo("mac/same.pkg", 10, 100, null),
        new ObjectInfo("mac/touched.pkg", 10, 100, null),
        new ObjectInfo("mac/resized.pkg", 10, 100, null),
        new ObjectInfo("mac/nometa.pkg", 10, -1, null)));
    assertThat(plan.alreadyStored()).containsExactly(same);
    assertThat(plan.uploads()).extracting(Upload::key)
        .containsExactlyInAnyOrder("mac/touched.pkg", "mac/resized.pkg", "mac/nometa.pkg", "mac/absent.pkg");
    for (Upload u : plan.uploads()) {
      assertThat(u.key()).isEqualTo(u.pitem().path());
      assertThat(u.items()).hasSize(1);
    }
  }

  @Test
  void identicalFilesUnderTwoPathsAreUploadedOnceInTheContentLayout() {
    Item a = item("mac/a/tool.pkg", 5000, 100, 9);
    Item b = item("win/b/tool-copy.pkg", 5000, 200, 9);
    Item other = item("mac/other.pkg", 10, 100, 8);
    Plan plan = StorePlanner.plan(List.of(a, other, b), Layout.CONTENT, Map.of());
    assertThat(plan.uploads()).hasSize(2);
    Upload shared = plan.uploads().get(0);
    assertThat(shared.key()).isEqualTo(Layout.CONTENT.key("", sha(9)));
    assertThat(shared.items()).containsExactly(a, b);
    assertThat(shared.source()).isEqualTo(a.file());
    assertThat(plan.uploadBytes()).isEqualTo(5010);
    // the store is asked about each key once
    assertThat(StorePlanner.keys(List.of(a, other, b), Layout.CONTENT)).hasSize(2)
        .containsExactly(shared.key(), Layout.CONTENT.key("", sha(8)));
    // once it holds the content, both pitems can be written without an upload
    Plan again = StorePlanner.plan(List.of(a, other, b), Layout.CONTENT,
        store(new ObjectInfo(shared.key(), 5000, -1, null)));
    assertThat(again.alreadyStored()).containsExactly(a, b);
    assertThat(again.uploads()).extracting(Upload::pitem).containsExactly(other.pitem());
    // the path layout keeps them apart
    Plan byPath = StorePlanner.plan(List.of(a, other, b), Layout.PATH, Map.of());
    assertThat(byPath.uploads()).hasSize(3);
  }

  /**
   * Over random plans: every item is either waiting on exactly one upload or already stored,
   * uploads go largest first, and an item is "already stored" exactly when the rule says so.
   */
  @Test
  void randomPlansAccountForEveryItemOnce() {
    Random r = new Random(5);
    for (int round = 0; round < 300; round++) {
      Layout l = r.nextBoolean() ? Layout.CONTENT : Layout.PATH;
      List<Item> items = new ArrayList<>();
      Map<String, ObjectInfo> stored = new HashMap<>();
      int n = 1 + r.nextInt(30);
      for (int i = 0; i < n; i++) {
        int content = r.nextInt(8);
        // same content, same size: the key is the content
        long size = 1000L * content + (content % 2 == 0 ? 1L << 33 : 0);
        long mtime = 100 + r.nextInt(3);
        Item it = item("s/f" + i + ".pkg", size, mtime, content);
        items.add(it);
        String key = l.key(it.path(), it.pitem().sha256());
        if (r.nextInt(3) == 0) {
          stored.put(key, new ObjectInfo(key, size + (r.nextInt(4) == 0 ? 1 : 0),
              r.nextBoolean() ? mtime : -1, null));
        }
      }
      Map<String, StoredFact> facts = new HashMap<>();
      stored.forEach((k, v) -> facts.put(k, new StoredFact(v.size(), v.mtimeSeconds())));
      Plan plan = StorePlanner.plan(items, l, facts);
      List<Item> accounted = new ArrayList<>(plan.alreadyStored());
      Set<String> keys = new HashSet<>();
      long previousSize = Long.MAX_VALUE;
      for (Upload u : plan.uploads()) {
        assertThat(keys.add(u.key())).as("one upload per key").isTrue();
        assertThat(u.pitem().fileSize()).isLessThanOrEqualTo(previousSize);
        previousSize = u.pitem().fileSize();
        for (Item it : u.items()) {
          assertThat(l.key(it.path(), it.pitem().sha256())).isEqualTo(u.key());
        }
        accounted.addAll(u.items());
      }
      assertThat(accounted).containsExactlyInAnyOrderElementsOf(items);
      for (Item it : items) {
        ObjectInfo o = stored.get(l.key(it.path(), it.pitem().sha256()));
        boolean same = o != null && o.size() == it.pitem().fileSize()
            && (l == Layout.CONTENT || o.mtimeSeconds() == it.pitem().modifiedTime());
        assertThat(plan.alreadyStored().contains(it)).as("%s %s stored as %s", l, it.pitem(), o).isEqualTo(same);
        // the one-item decision store's pipeline makes for each item as it is hashed
        String key = l.key(it.path(), it.pitem().sha256());
        assertThat(StorePlanner.isStored(facts.get(key), it.pitem(), l))
            .isEqualTo(StorePlanner.plan(List.of(it), l, facts).alreadyStored().contains(it));
      }
    }
  }
}
