package org.pantri.pitem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pantri.testsupport.Oracle;

/**
 * The .pitem compatibility contract (SPEC §3) with the original tool's own writer as the oracle:
 * /usr/bin/python3 writes every object with {@code json.dump(obj, f, indent=2, sort_keys=True)}
 * and our bytes must be the same; pitems Python writes in other shapes must read back.
 */
class PitemPythonCompatTest {
  // NaN/Infinity travel as Python's own tokens; non-ASCII escaped so nothing depends on encodings.
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
      .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
      .build();

  /** Reads [[path, inner], ...] and writes i.pitem for each, the way the original did. */
  private static final String WRITER = String.join("\n",
      "import sys, json",
      "out = sys.argv[1]",
      "for i, (path, inner) in enumerate(json.load(sys.stdin.buffer)):",
      "    with open('%s/%d.pitem' % (out, i), 'w') as f:",
      "        json.dump({path: inner}, f, indent=2, sort_keys=True)");

  @TempDir Path tmp;

  private static final String[] SEGMENT_PIECES = {
      "a", "b", "Z", "0", "9", " ", "  ", "-", "_", ".", "..", "...", "é", "e\u0301", "日本", "😀", "\"",
      "'", "&", "#", "%", "+", "=", "@", "~", "!", "$", "(", ")", "[", "]", "{", "}", ";", ",", ":",
      "*", "?", "<", ">", "|", "\u00a0", "\u2028", "\u200f", "\ufeff", "\uffff", "𝄞", "ß", "Ω",
      "tool", ".pkg", ".dmg", "v1.2.3"};

  /** A path the validator accepts: segments of the pieces above, never empty, "." or "..". */
  static String randomPath(Random r) {
    int segments = 1 + r.nextInt(4);
    List<String> segs = new ArrayList<>();
    while (segs.size() < segments) {
      StringBuilder sb = new StringBuilder();
      int pieces = 1 + r.nextInt(4);
      for (int i = 0; i < pieces; i++) {
        sb.append(SEGMENT_PIECES[r.nextInt(SEGMENT_PIECES.length)]);
      }
      String s = sb.toString();
      if (!s.equals(".") && !s.equals("..")) {
        segs.add(s);
      }
    }
    return String.join("/", segs);
  }

  private static final long[] SIZES = {0, 1, 255, (1L << 31) - 1, 1L << 31, (1L << 31) + 1, 1L << 32,
      (1L << 53) - 1, 1L << 53, (1L << 53) + 1, Long.MAX_VALUE, 4_294_967_296L * 3 + 7};

  private static final double[] FLOATS = {0.0, -0.0, 1.0, -1.5, 0.1, 0.3, 2.675, 4.35, 100.0, 1e15,
      1e16, 1e17, 123456789012345680.0, 9007199254740993.0, 1e-4, 1e-5, 0.0001, 0.00001234, 1e21, 1e22,
      1e23, 2e23, 5e-324, 2.2250738585072014e-308, Double.MAX_VALUE, 1.7976931348623157e308 / 3,
      Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1.0 / 3, 2.0 / 3, Math.PI, Math.E};

  private static Object randomValue(Random r, int depth) {
    int k = r.nextInt(depth > 2 ? 7 : 9);
    switch (k) {
      case 0:
        return null;
      case 1:
        return r.nextBoolean();
      case 2:
        return BigInteger.valueOf(r.nextLong()).multiply(BigInteger.valueOf(r.nextInt(3) == 0 ? r.nextLong() : 1));
      case 3:
        return r.nextBoolean() ? FLOATS[r.nextInt(FLOATS.length)] : randomDouble(r);
      case 4:
      case 5:
        return randomText(r);
      case 6:
        return r.nextInt(1000);
      case 7: {
        List<Object> l = new ArrayList<>();
        for (int i = r.nextInt(4); i > 0; i--) {
          l.add(randomValue(r, depth + 1));
        }
        return l;
      }
      default: {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = r.nextInt(4); i > 0; i--) {
          m.put(randomText(r), randomValue(r, depth + 1));
        }
        return m;
      }
    }
  }

  private static double randomDouble(Random r) {
    while (true) {
      double d = r.nextBoolean() ? Double.longBitsToDouble(r.nextLong())
          : Math.round(r.nextDouble() * Math.pow(10, r.nextInt(12))) / Math.pow(10, r.nextInt(12));
      if (Double.isFinite(d)) {
        return d;
      }
    }
  }

  private static final String[] TEXT_PIECES = {"a", "key", " ", "\"", "\\", "/", "\n", "\r", "\t", "\b",
      "\f", "\u0000", "\u0001", "\u001f", "\u007f", "\u0080", "\u009f", "é", "日本", "😀", "\uffff",
      "\ud7ff", "\ue000", "𝄞", "\u2028", "<", ">", "&", "'", "~", "sha1_hash", "file_size", "Z", "0"};

  private static String randomText(Random r) {
    StringBuilder sb = new StringBuilder();
    for (int i = r.nextInt(5); i > 0; i--) {
      sb.append(TEXT_PIECES[r.nextInt(TEXT_PIECES.length)]);
    }
    return sb.toString();
  }

  static Pitem randomPitem(Random r, boolean withExtra) {
    long size = r.nextInt(3) == 0 ? SIZES[r.nextInt(SIZES.length)] : r.nextLong() >>> (1 + r.nextInt(63));
    long mtime = switch (r.nextInt(5)) {
      case 0 -> 0;
      case 1 -> -r.nextInt(1_000_000_000);
      case 2 -> 1L << 31;
      default -> r.nextLong() >>> 30;
    };
    HexFormat hex = HexFormat.of();
    byte[] b1 = new byte[20];
    byte[] b2 = new byte[32];
    r.nextBytes(b1);
    r.nextBytes(b2);
    Map<String, Object> extra = new LinkedHashMap<>();
    if (withExtra && r.nextInt(3) == 0) {
      for (int i = 1 + r.nextInt(3); i > 0; i--) {
        String key = randomText(r);
        if (!List.of("file_size", "modified_time", "sha1_hash", "sha256_hash").contains(key)) {
          extra.put(key, randomValue(r, 0));
        }
      }
    }
    // An old pitem may lack sha1_hash; then the original wrote no such key.
    String sha1 = r.nextInt(10) == 0 ? null : hex.formatHex(b1);
    return new Pitem(randomPath(r), size, mtime, sha1, hex.formatHex(b2), extra);
  }

  private static Map<String, Object> inner(Pitem p) {
    Map<String, Object> m = new LinkedHashMap<>(p.extra());
    m.put("file_size", p.fileSize());
    m.put("modified_time", p.modifiedTime());
    if (p.sha1() != null) {
      m.put("sha1_hash", p.sha1());
    }
    m.put("sha256_hash", p.sha256());
    return m;
  }

  /** Python's bytes for each pitem, from the original's writer. */
  private List<byte[]> pythonWrites(List<Pitem> pitems) throws Exception {
    List<List<Object>> in = new ArrayList<>();
    for (Pitem p : pitems) {
      in.add(List.of(p.path(), inner(p)));
    }
    Path out = Files.createDirectories(tmp.resolve("py"));
    Oracle.require(Oracle.PYTHON);
    Oracle.run(List.of(Oracle.PYTHON.toString(), "-I", "-c", WRITER, out.toString()), JSON.writeValueAsBytes(in));
    List<byte[]> bytes = new ArrayList<>();
    for (int i = 0; i < pitems.size(); i++) {
      bytes.add(Files.readAllBytes(out.resolve(i + ".pitem")));
    }
    return bytes;
  }

  @Test
  void encodeIsByteForByteWhatPythonWrites() throws Exception {
    Random r = new Random(31337);
    List<Pitem> pitems = new ArrayList<>();
    for (int i = 0; i < 1500; i++) {
      pitems.add(randomPitem(r, true));
    }
    // The README's example, and sizes/keys at the edges, always included.
    pitems.add(new Pitem("mac/tools/tool.pkg", 3000000, 1795607417, "362cd238f2adb943f3277607a9207f58192ddd78",
        "d523b0ddc50363d4a6ddceb0fa16359a5f271fe1de180b8c0aa15f61a61d28bf"));
    pitems.add(new Pitem("a", 0, 0, "0".repeat(40), "f".repeat(64)));
    pitems.add(new Pitem("x/\uffff😀/é 日本/\"q\"", Long.MAX_VALUE, -1, "0".repeat(40), "f".repeat(64),
        Map.of("\uffff", 1, "😀", 2, "\ue000", 3, "", List.of(), "z", Map.of())));
    List<byte[]> want = pythonWrites(pitems);
    List<String> bad = new ArrayList<>();
    int withExtra = 0;
    for (int i = 0; i < pitems.size(); i++) {
      byte[] ours = PitemCodec.encode(pitems.get(i));
      withExtra += pitems.get(i).extra().isEmpty() ? 0 : 1;
      if (!java.util.Arrays.equals(ours, want.get(i))) {
        bad.add("#" + i + "\n--- python:\n" + new String(want.get(i), StandardCharsets.ISO_8859_1)
            + "\n--- pantri:\n" + new String(ours, StandardCharsets.ISO_8859_1));
      }
    }
    System.out.println("PitemCodec.encode: " + pitems.size() + " pitems (" + withExtra
        + " with extra keys) compared with python3 json.dump, " + bad.size() + " differ");
    if (!bad.isEmpty()) {
      fail(bad.size() + " pitems differ from python's bytes; the first 5:\n"
          + String.join("\n", bad.subList(0, Math.min(5, bad.size()))));
    }
  }

  /**
   * Pitems as Python writes them in other shapes (compact, re-indented, unsorted, raw UTF-8, a
   * trailing newline, CRLF) read back to the same pitem, extra keys included, and rewrite to
   * the canonical bytes.
   */
  @Test
  void readsWhatPythonWritesInAnyShape() throws Exception {
    String shapes = String.join("\n",
        "import sys, json",
        "out = sys.argv[1]",
        "for i, (path, inner) in enumerate(json.load(sys.stdin.buffer)):",
        "    obj = {path: inner}",
        "    variants = [",
        "        json.dumps(obj, indent=2, sort_keys=True),",
        "        json.dumps(obj, separators=(',', ':')),",
        "        json.dumps(obj),",
        "        json.dumps(obj, indent=4),",
        "        json.dumps(obj, indent='\\t', sort_keys=True),",
        "        json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False),",
        "        json.dumps(obj, indent=2, sort_keys=True) + '\\n',",
        "        json.dumps(obj, indent=2, sort_keys=True).replace('\\n', '\\r\\n') + '\\r\\n',",
        "    ]",
        "    for v, text in enumerate(variants):",
        "        with open('%s/%d.%d' % (out, i, v), 'wb') as f:",
        "            f.write(text.encode('utf-8', 'surrogatepass'))");
    Random r = new Random(4711);
    List<Pitem> pitems = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      pitems.add(randomPitem(r, true));
    }
    List<List<Object>> in = new ArrayList<>();
    for (Pitem p : pitems) {
      in.add(List.of(p.path(), inner(p)));
    }
    Path out = Files.createDirectories(tmp.resolve("shapes"));
    Oracle.require(Oracle.PYTHON);
    Oracle.run(List.of(Oracle.PYTHON.toString(), "-I", "-c", shapes, out.toString()), JSON.writeValueAsBytes(in));
    int read = 0;
    for (int i = 0; i < pitems.size(); i++) {
      Pitem want = pitems.get(i);
      byte[] canonical = PitemCodec.encode(want);
      for (int v = 0; v < 8; v++) {
        Path f = out.resolve(i + "." + v);
        Pitem got = PitemCodec.read(f, want.path());
        String what = f + " (" + want.path() + ")";
        assertThat(got.path()).as(what).isEqualTo(want.path());
        assertThat(got.fileSize()).as(what).isEqualTo(want.fileSize());
        assertThat(got.modifiedTime()).as(what).isEqualTo(want.modifiedTime());
        assertThat(got.sha1()).as(what).isEqualTo(want.sha1());
        assertThat(got.sha256()).as(what).isEqualTo(want.sha256());
        assertThat(PitemCodec.encode(got)).as("rewritten " + what).isEqualTo(canonical);
        read++;
      }
    }
    System.out.println("PitemCodec.read: " + read + " python-written pitems in 8 shapes read back");
  }

  /** What we write, the original reads back as the same object (json.load). */
  @Test
  @SuppressWarnings("unchecked")
  void pythonReadsWhatWeWrite() throws Exception {
    Random r = new Random(99);
    List<Pitem> pitems = new ArrayList<>();
    Path dir = Files.createDirectories(tmp.resolve("ours"));
    List<String> files = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      Pitem p = randomPitem(r, false);
      pitems.add(p);
      Path f = dir.resolve(i + ".pitem");
      PitemCodec.write(f, p);
      files.add(f.toString());
    }
    String reader = String.join("\n",
        "import sys, json",
        "out = []",
        "for name in json.load(sys.stdin):",
        "    with open(name) as f:",
        "        out.append(json.load(f))",
        "sys.stdout.write(json.dumps(out))");
    String got = Oracle.pythonText(reader, JSON.writeValueAsString(files));
    List<?> objects = JSON.readValue(got, List.class);
    for (int i = 0; i < pitems.size(); i++) {
      Pitem p = pitems.get(i);
      Map<String, ?> obj = (Map<String, ?>) objects.get(i);
      assertThat(obj.keySet()).containsExactly(p.path());
      Map<String, ?> in = (Map<String, ?>) obj.get(p.path());
      assertThat(((Number) in.get("file_size")).longValue()).isEqualTo(p.fileSize());
      assertThat(((Number) in.get("modified_time")).longValue()).isEqualTo(p.modifiedTime());
      assertThat(in.get("sha1_hash")).isEqualTo(p.sha1());
      assertThat(in.get("sha256_hash")).isEqualTo(p.sha256());
    }
  }
}
