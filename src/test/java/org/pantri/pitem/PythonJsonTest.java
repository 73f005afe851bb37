package org.pantri.pitem;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.pantri.testsupport.Oracle;

/**
 * The pieces of Python's JSON writer one at a time, each against /usr/bin/python3's json.dumps:
 * float repr, string escaping, key order.
 */
class PythonJsonTest {
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
      .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .build();

  /** Python's json.dumps(v, indent=2, sort_keys=True) for every value of the input list. */
  private static JsonNode pythonDumps(Object values) throws Exception {
    String script = String.join("\n",
        "import sys, json",
        "vals = json.load(sys.stdin.buffer)",
        "sys.stdout.write(json.dumps([json.dumps(v, indent=2, sort_keys=True) for v in vals]))");
    return JSON.readTree(Oracle.python(script, JSON.writeValueAsBytes(values)));
  }

  private static void assertSame(List<?> values) throws Exception {
    JsonNode want = pythonDumps(values);
    List<String> bad = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      String ours = PythonJson.write(values.get(i));
      String py = want.get(i).textValue();
      if (!ours.equals(py)) {
        bad.add("python " + py + " | pantri " + ours);
      }
    }
    System.out.println("PythonJson: " + values.size() + " values compared with python3, " + bad.size() + " differ");
    if (!bad.isEmpty()) {
      fail(bad.size() + " of " + values.size() + " differ, the first 20:\n"
          + String.join("\n", bad.subList(0, Math.min(20, bad.size()))));
    }
  }

  @Test
  void floatsAsPythonReprsThem() throws Exception {
    Random r = new Random(2718);
    List<Object> values = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      double d;
      switch (i % 5) {
        case 0 -> d = Double.longBitsToDouble(r.nextLong());
        // Powers of two have a narrower rounding interval below than above.
        case 1 -> d = Math.scalb(1.0, r.nextInt(2098) - 1074);
        case 2 -> d = Math.nextDown(Math.scalb(1.0, r.nextInt(2000) - 1000)) * (r.nextBoolean() ? 1 : -1);
        case 3 -> d = Double.longBitsToDouble(r.nextLong() & 0x000fffffffffffffL);
        default -> d = Math.round(r.nextDouble() * 1e6) / Math.pow(10, r.nextInt(25) - 5);
      }
      if (Double.isFinite(d)) {
        values.add(d);
      }
    }
    for (int e = -330; e <= 310; e++) {
      values.add(Double.parseDouble("1e" + e));
      values.add(Double.parseDouble("5e" + e));
    }
    values.add(Double.NaN);
    values.add(Double.POSITIVE_INFINITY);
    values.add(Double.NEGATIVE_INFINITY);
    values.add(-0.0);
    values.add(0.0);
    values.add(Double.MIN_VALUE);
    values.add(Double.MAX_VALUE);
    assertSame(values);
  }

  @Test
  void stringsEscapedAsPythonEscapesThem() throws Exception {
    Random r = new Random(1618);
    List<Object> values = new ArrayList<>();
    for (int c = 0; c < 0x800; c++) {
      values.add("x" + (char) c + "y");
    }
    for (int i = 0; i < 3000; i++) {
      StringBuilder sb = new StringBuilder();
      for (int k = r.nextInt(12); k > 0; k--) {
        switch (r.nextInt(4)) {
          case 0 -> sb.append((char) r.nextInt(0x80));
          case 1 -> sb.append((char) r.nextInt(0x10000));
          case 2 -> sb.appendCodePoint(0x10000 + r.nextInt(0x100000));
          default -> sb.append("\"\\/\b\f\n\r\t".charAt(r.nextInt(8)));
        }
      }
      values.add(sb.toString());
    }
    assertSame(values);
  }

  /** Python sorts keys by code point; UTF-16 order puts U+E000..U+FFFF after the astral planes. */
  @Test
  void keysSortedAsPythonSortsThem() throws Exception {
    Random r = new Random(1414);
    String[] pieces = {"a", "B", "_", " ", "é", "\ue000", "\uffff", "😀", "𝄞", "日", "0", "", "\u007f"};
    List<Object> values = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (int k = 1 + r.nextInt(8); k > 0; k--) {
        StringBuilder key = new StringBuilder();
        for (int j = r.nextInt(4); j >= 0; j--) {
          key.append(pieces[r.nextInt(pieces.length)]);
        }
        m.put(key.toString(), r.nextInt(3) == 0 ? Map.of("k" + k, List.of(k, List.of(), Map.of())) : k);
      }
      values.add(m);
    }
    assertSame(values);
  }
}
