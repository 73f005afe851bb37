package org.pantri.pitem;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fast path may only ever agree with Jackson's tree: whatever it returns, the tree returns
 * too (same pitem, same path string); whatever the tree refuses, it leaves to the tree. Checked on
 * the forms pitems come in and on many thousands of mutations of them.
 */
class PitemFastPathTest {
  private static final String SHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709";
  private static final String SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  /** Pitems as the original and its Python 2 / Python 3 writers, and hand edits, leave them. */
  private static List<String> forms() {
    List<String> out = new ArrayList<>();
    out.add(new String(PitemCodec.encode(new Pitem("mac/a.pkg", 12, 1700000000, SHA1, SHA256)), StandardCharsets.US_ASCII));
    out.add("{\n  \"mac/a.pkg\": {\n    \"file_size\": 12, \n    \"modified_time\": 1700000000, \n"
        + "    \"sha1_hash\": \"" + SHA1 + "\", \n    \"sha256_hash\": \"" + SHA256 + "\"\n  }\n}");
    out.add("{\"mac/a.pkg\":{\"sha256_hash\":\"" + SHA256 + "\",\"sha1_hash\":\"" + SHA1
        + "\",\"modified_time\":0,\"file_size\":0}}\n");
    out.add("{\"mac/caf\u00e9.pkg\": {\"file_size\": 12, \"modified_time\": 1, \"sha1_hash\": \"" + SHA1
        + "\", \"sha256_hash\": \"" + SHA256 + "\"}}");
    out.add("{\"mac/caf\\u00e9.pkg\": {\"file_size\": 12, \"modified_time\": 1, \"sha1_hash\": \"" + SHA1
        + "\", \"sha256_hash\": \"" + SHA256 + "\"}}");
    out.add("{\"mac/a.pkg\": {\"file_size\": 12, \"modified_time\": 1.5, \"sha1_hash\": \"" + SHA1.toUpperCase()
        + "\", \"sha256_hash\": \"" + SHA256 + "\", \"note\": [1, {\"x\": null}]}}");
    out.add("{\"mac/a.pkg\": {\"file_size\": 12, \"sha1_hash\": null, \"sha256_hash\": \"" + SHA256 + "\"}}");
    return out;
  }

  private static Object tree(byte[] bytes, String expected) {
    try {
      return PitemCodec.decodeTree(bytes, expected, "t");
    } catch (PitemException e) {
      return e;
    }
  }

  private static void agree(byte[] bytes, String expected) {
    if (!utf8(bytes)) {
      return; // decode refuses these before either path sees them
    }
    Pitem fast = PitemFastPath.tryDecode(bytes, expected);
    if (fast == null) {
      return;
    }
    Object full = tree(bytes, expected);
    assertThat(full).as(new String(bytes, StandardCharsets.UTF_8)).isEqualTo(fast);
    if (expected != null) {
      assertThat(fast.path()).isSameAs(expected);
    }
  }

  @Test
  void theCommonFormsAreReadHereAndAgreeWithTheTree() {
    List<String> forms = forms();
    for (int k = 0; k < 3; k++) {
      byte[] b = forms.get(k).getBytes(StandardCharsets.UTF_8);
      assertThat(PitemFastPath.tryDecode(b, "mac/a.pkg")).as(forms.get(k)).isNotNull();
      agree(b, "mac/a.pkg");
      agree(b, null);
    }
    assertThat(PitemFastPath.tryDecode(forms.get(3).getBytes(StandardCharsets.UTF_8), "mac/caf\u00e9.pkg")).isNotNull();
    agree(forms.get(3).getBytes(StandardCharsets.UTF_8), "mac/caf\u00e9.pkg");
  }

  @Test
  void escapesExtrasFloatsNullsUppercaseAndAnotherSpellingOfThePathAreLeftToTheTree() {
    List<String> forms = forms();
    assertThat(PitemFastPath.tryDecode(forms.get(4).getBytes(StandardCharsets.UTF_8), "mac/caf\u00e9.pkg")).isNull();
    assertThat(PitemFastPath.tryDecode(forms.get(5).getBytes(StandardCharsets.UTF_8), "mac/a.pkg")).isNull();
    assertThat(PitemFastPath.tryDecode(forms.get(6).getBytes(StandardCharsets.UTF_8), "mac/a.pkg")).isNull();
    assertThat(PitemFastPath.tryDecode(forms.get(0).getBytes(StandardCharsets.UTF_8), "mac/b.pkg")).isNull();
    String nfd = "mac/cafe\u0301.pkg";
    assertThat(PitemFastPath.tryDecode(forms.get(3).getBytes(StandardCharsets.UTF_8), nfd)).isNull();
    assertThat(tree(forms.get(3).getBytes(StandardCharsets.UTF_8), nfd)).isInstanceOf(Pitem.class);
  }

  @Test
  void hostileAndBrokenPitemsAreNeverAcceptedByTheFastPathAlone() {
    String[] hostile = {
      "{\"../etc/passwd\": {\"file_size\": 1, \"modified_time\": 1, \"sha1_hash\": \"" + SHA1 + "\", \"sha256_hash\": \"" + SHA256 + "\"}}",
      "{\"/etc/passwd\": {\"file_size\": 1, \"modified_time\": 1, \"sha1_hash\": \"" + SHA1 + "\", \"sha256_hash\": \"" + SHA256 + "\"}}",
      "{\"mac//a\": {\"file_size\": 1, \"modified_time\": 1, \"sha1_hash\": \"" + SHA1 + "\", \"sha256_hash\": \"" + SHA256 + "\"}}",
      "{\"mac/./a\": {\"file_size\": 1, \"modified_time\": 1, \"sha1_hash\": \"" + SHA1 + "\", \"sha256_hash\": \"" + SHA256 + "\"}}",
      "{\"mac/a\": {\"file_size\": 01, \"modified_time\": 1, \"sha1_hash\": \"" + SHA1 + "\", \"sha256_hash\": \"" + SHA256 + "\"}}",
      "{\"mac/a\": {\"file_size\": 1, \"file_size\": 2, \"modified_time\": 1, \"sha1_hash\": \"" + SHA1 + "\", \"sha256_hash\": \"" + SHA256 + "\"}}",
      "{\"mac/a\": {\"file_size\": 99999999999999999999, \"modified_time\": 1, \"sha1_hash\": \"" + SHA1 + "\", \"sha256_hash\": \"" + SHA256 + "\"}}",
      "{\"mac/a\": {\"file_size\": 1, \"modified_time\": 1, \"sha1_hash\": \"" + SHA1 + "\", \"sha256_hash\": \"" + SHA256 + "\"}} {}",
      "{\"mac/a\": {\"file_size\": 1, \"modified_time\": 1, \"sha1_hash\": \"" + SHA1 + "\", \"sha256_hash\": \"" + SHA256 + "\"},}",
      "{\"mac/a\": {\"file_size\": 1, \"modified_time\": 1, \"sha1_hash\": \"" + SHA1 + "\", \"sha256_hash\": \"" + SHA256.substring(1) + "\"}}",
      "{\"mac/a\": {\"file_size\": -1, \"modified_time\": 1, \"sha1_hash\": \"" + SHA1 + "\", \"sha256_hash\": \"" + SHA256 + "\"}}",
      "{\"mac/a\u0001\": {\"file_size\": 1, \"modified_time\": 1, \"sha1_hash\": \"" + SHA1 + "\", \"sha256_hash\": \"" + SHA256 + "\"}}",
      "{\"mac/a\u0085\": {\"file_size\": 1, \"modified_time\": 1, \"sha1_hash\": \"" + SHA1 + "\", \"sha256_hash\": \"" + SHA256 + "\"}}",
    };
    for (String h : hostile) {
      byte[] b = h.getBytes(StandardCharsets.UTF_8);
      assertThat(PitemFastPath.tryDecode(b, null)).as(h).isNull();
      assertThat(tree(b, null)).as(h).isInstanceOf(PitemException.class);
    }
  }

  @Test
  void onMutationsOfEveryFormTheFastPathNeverDisagreesWithTheTree() {
    Random r = new Random(20261203);
    byte[] alphabet = "{}[]:,\" \n\t\\.-+0159eE/aA\u0000".getBytes(StandardCharsets.ISO_8859_1);
    int taken = 0;
    for (String form : forms()) {
      byte[] base = form.getBytes(StandardCharsets.UTF_8);
      for (int n = 0; n < 4000; n++) {
        byte[] b = base.clone();
        int edits = 1 + r.nextInt(2);
        for (int e = 0; e < edits; e++) {
          int at = r.nextInt(b.length);
          switch (r.nextInt(3)) {
            case 0 -> b[at] = alphabet[r.nextInt(alphabet.length)];
            case 1 -> b = splice(b, at, 1, new byte[0]);
            default -> b = splice(b, at, 0, new byte[] {alphabet[r.nextInt(alphabet.length)]});
          }
        }
        String expected = r.nextBoolean() ? null : (r.nextBoolean() ? "mac/a.pkg" : "mac/caf\u00e9.pkg");
        if (PitemFastPath.tryDecode(b, expected) != null) {
          taken++;
        }
        agree(b, expected);
      }
    }
    // the mutations are not all rejected outright: some (e.g. in a digest, a size) stay valid
    assertThat(taken).isGreaterThan(100);
  }

  private static boolean utf8(byte[] b) {
    try {
      StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(b));
      return true;
    } catch (java.nio.charset.CharacterCodingException e) {
      return false;
    }
  }

  private static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
    byte[] out = new byte[b.length - remove + insert.length];
    System.arraycopy(b, 0, out, 0, at);
    System.arraycopy(insert, 0, out, at, insert.length);
    System.arraycopy(b, at + remove, out, at + insert.length, b.length - at - remove);
    return out;
  }
}
