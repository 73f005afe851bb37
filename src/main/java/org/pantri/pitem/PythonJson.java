package org.pantri.pitem;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Writes plain Java values exactly as Python's {@code json.dump(obj, f, indent=2, sort_keys=True)}
 * does: two-space indent, "," line ends, {@code ": "} after keys, keys sorted by code point,
 * everything outside printable ASCII escaped as lowercase {@code \}uXXXX, no trailing newline.
 */
public final class PythonJson {
  private PythonJson() {}

  public static String write(Object value) {
    StringBuilder sb = new StringBuilder(256);
    write(sb, value, 0);
    return sb.toString();
  }

  private static void write(StringBuilder sb, Object v, int depth) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof String s) {
      string(sb, s);
    } else if (v instanceof Boolean b) {
      sb.append(b ? "true" : "false");
    } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte
        || v instanceof BigInteger) {
      sb.append(v);
    } else if (v instanceof Number n) {
      sb.append(pythonFloat(n.doubleValue()));
    } else if (v instanceof Map<?, ?> m) {
      if (m.isEmpty()) {
        sb.append("{}");
        return;
      }
      List<String> keys = new ArrayList<>();
      for (Object k : m.keySet()) {
        keys.add(String.valueOf(k));
      }
      keys.sort(PythonJson::compareCodePoints);
      sb.append('{');
      Iterator<String> it = keys.iterator();
      while (it.hasNext()) {
        String k = it.next();
        newline(sb, depth + 1);
        string(sb, k);
        sb.append(": ");
        write(sb, m.get(k), depth + 1);
        if (it.hasNext()) {
          sb.append(',');
        }
      }
      newline(sb, depth);
      sb.append('}');
    } else if (v instanceof List<?> l) {
      if (l.isEmpty()) {
        sb.append("[]");
        return;
      }
      sb.append('[');
      for (int i = 0; i < l.size(); i++) {
        newline(sb, depth + 1);
        write(sb, l.get(i), depth + 1);
        if (i + 1 < l.size()) {
          sb.append(',');
        }
      }
      newline(sb, depth);
      sb.append(']');
    } else {
      throw new IllegalArgumentException("cannot write " + v.getClass());
    }
  }

  private static void newline(StringBuilder sb, int depth) {
    sb.append('\n');
    sb.append("  ".repeat(depth));
  }

  /** Python sorts str keys by code point; Java's compareTo by UTF-16 unit differs above U+FFFF. */
  static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  private static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20 || c > 0x7e) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  /**
   * Python's float repr: the shortest digits that read back as the same double (the nearest such
   * when several are that short), plain between 1e-4 and 1e16, otherwise "1e+20" style;
   * "NaN"/"Infinity". Not Double.toString: before JDK 19 it sometimes gives more digits than
   * needed (2e23 comes out as 1.9999999999999998E23).
   */
  static String pythonFloat(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "Infinity" : "-Infinity";
    }
    if (d == 0) {
      return (1 / d < 0) ? "-0.0" : "0.0";
    }
    BigDecimal bd = shortest(Math.abs(d)).stripTrailingZeros();
    String sign = d < 0 ? "-" : "";
    int exp = bd.precision() - bd.scale() - 1;
    if (exp >= -4 && exp < 16) {
      String plain = bd.toPlainString();
      return sign + (plain.contains(".") ? plain : plain + ".0");
    }
    String digits = bd.unscaledValue().toString();
    StringBuilder m = new StringBuilder(sign).append(digits.charAt(0));
    if (digits.length() > 1) {
      m.append('.').append(digits, 1, digits.length());
    }
    m.append('e').append(exp < 0 ? '-' : '+');
    String e = Integer.toString(Math.abs(exp));
    m.append(e.length() < 2 ? "0" + e : e);
    return m.toString();
  }

  /** The shortest decimal that rounds to {@code d} (> 0), nearest to it among equally short ones. */
  private static BigDecimal shortest(double d) {
    BigDecimal exact = new BigDecimal(d);
    for (int digits = 1; digits <= 17; digits++) {
      BigDecimal below = exact.round(new MathContext(digits, RoundingMode.FLOOR));
      BigDecimal above = exact.round(new MathContext(digits, RoundingMode.CEILING));
      boolean belowOk = below.doubleValue() == d;
      boolean aboveOk = above.doubleValue() == d;
      if (belowOk && aboveOk) {
        int c = exact.subtract(below).compareTo(above.subtract(exact));
        return c < 0 ? below : c > 0 ? above : exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
      }
      if (belowOk) {
        return below;
      }
      if (aboveOk) {
        return above;
      }
    }
    return exact.round(new MathContext(17, RoundingMode.HALF_EVEN));
  }
}
