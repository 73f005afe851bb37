package org.pantri.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KeysTest {
  /** The rule as first written (split on '/'): the scan must agree with it on every key. */
  private static boolean acceptedBySplit(String key) {
    if (key.isEmpty() || key.length() > 1024 || key.startsWith("/") || key.indexOf('\\') >= 0
        || key.indexOf('\0') >= 0) {
      return false;
    }
    for (String seg : key.split("/", -1)) {
      if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
        return false;
      }
    }
    return true;
  }

  private static boolean accepted(String key) {
    try {
      assertThat(Keys.check(key)).isSameAs(key);
      return true;
    } catch (StoreException e) {
      assertThat(e.getMessage()).startsWith("invalid object key");
      return false;
    }
  }

  @Test
  void safeKeysPassUnchanged() {
    for (String k : List.of("a", "sha256/ab/cd/abcd", "...", ".a", "a.", "..a", "a..", "a/.b/c", "é/日本", "a b/c d")) {
      assertThat(accepted(k)).as(k).isTrue();
    }
  }

  @Test
  void keysThatCouldLeaveTheRootAreRefused() {
    for (String k : List.of("", ".", "..", "/a", "a/", "a//b", "./a", "a/.", "a/..", "../a", "a/../b", "a/./b",
        "..\\a", "a\0", "x".repeat(1025))) {
      assertThat(accepted(k)).as(k).isFalse();
    }
    assertThatThrownBy(() -> Keys.check(null)).isInstanceOf(StoreException.class);
  }

  @Test
  void agreesWithTheSplitRuleOnRandomKeys() {
    Random r = new Random(11);
    char[] alphabet = {'a', '.', '/', '.', '/', 'b', '\\', '\0', 'é'};
    List<String> keys = new ArrayList<>();
    for (int n = 0; n < 50_000; n++) {
      StringBuilder sb = new StringBuilder();
      for (int len = r.nextInt(9); len > 0; len--) {
        sb.append(alphabet[r.nextInt(alphabet.length)]);
      }
      keys.add(sb.toString());
    }
    int acceptedCount = 0;
    for (String k : keys) {
      boolean expected = acceptedBySplit(k);
      assertThat(accepted(k)).as("'%s'", k).isEqualTo(expected);
      acceptedCount += expected ? 1 : 0;
    }
    assertThat(acceptedCount).isBetween(1_000, 49_000); // both outcomes were exercised
  }
}
