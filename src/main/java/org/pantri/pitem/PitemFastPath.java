package org.pantri.pitem;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Reads the one form nearly every pitem has, as the original writes it: one key whose object
 * holds only file_size, modified_time, sha1_hash and sha256_hash, plain integers and plain
 * strings, any JSON whitespace. Anything else (escapes, other fields, floats, nulls, a bad value,
 * a path the location does not spell exactly) returns null and goes through Jackson's tree, which
 * stays the one judge of errors. A store of 100,000 unchanged binaries spent a quarter of its
 * allocation (and its garbage collections) building a tree per pitem.
 */
final class PitemFastPath {
  /** Longest integer taken here: 18 digits never overflow a long. */
  private static final int MAX_DIGITS = 18;

  private final byte[] b;
  private int i;

  private PitemFastPath(byte[] b) {
    this.b = b;
  }

  /** The pitem, or null when the bytes are not plainly the common form (including every error). */
  static Pitem tryDecode(byte[] bytes, String expectedPath) {
    try {
      return new PitemFastPath(bytes).pitem(expectedPath);
    } catch (NotCommon e) {
      return null;
    }
  }

  private Pitem pitem(String expectedPath) {
    expect('{');
    String key = key(expectedPath);
    expect(':');
    expect('{');
    long size = -1;
    long mtime = -1;
    String sha1 = null;
    String sha256 = null;
    do {
      int field = field();
      expect(':');
      switch (field) {
        case 0 -> size = once(size, integer());
        case 1 -> mtime = once(mtime, integer());
        case 2 -> sha1 = once(sha1, string());
        default -> sha256 = once(sha256, string());
      }
    } while (next(',', '}') == ',');
    expect('}');
    expect('}');
    skipWhitespace();
    if (i != b.length || size < 0 || mtime < 0 || sha1 == null || sha256 == null
        || !hexLower(sha1, 40) || !hexLower(sha256, 64)) {
      throw NotCommon.INSTANCE;
    }
    try {
      PitemCodec.checkRelativePath(key, "");
    } catch (PitemException e) {
      throw NotCommon.INSTANCE;
    }
    return new Pitem(key, size, mtime, sha1, sha256, Map.of());
  }

  private static long once(long old, long value) {
    if (old >= 0) {
      throw NotCommon.INSTANCE; // a duplicate field: Jackson's error
    }
    return value;
  }

  private static String once(String old, String value) {
    if (old != null) {
      throw NotCommon.INSTANCE;
    }
    return value;
  }

  private void skipWhitespace() {
    while (i < b.length && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) {
      i++;
    }
  }

  private void expect(char c) {
    skipWhitespace();
    if (i >= b.length || b[i] != c) {
      throw NotCommon.INSTANCE;
    }
    i++;
  }

  /** Consumes whichever of the two comes next (after whitespace); '}' is left for expect. */
  private char next(char more, char end) {
    skipWhitespace();
    if (i < b.length && b[i] == more) {
      i++;
      return more;
    }
    if (i < b.length && b[i] == end) {
      return end;
    }
    throw NotCommon.INSTANCE;
  }

  /** A string without escapes or raw control characters (the bytes were checked to be UTF-8). */
  private String string() {
    boolean ascii = scanString();
    String s = new String(b, start, i - start, ascii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
    i++;
    return s;
  }

  /** Start of the string {@link #scanString} last passed over. */
  private int start;

  /**
   * Moves over a string's opening quote and content to its closing quote (left at {@code i}),
   * refusing escapes and raw control characters; true when every byte is ASCII.
   */
  private boolean scanString() {
    expect('"');
    start = i;
    boolean ascii = true;
    while (i < b.length && b[i] != '"') {
      byte c = b[i];
      if (c == '\\' || (c >= 0 && c < 0x20)) {
        throw NotCommon.INSTANCE;
      }
      ascii &= c >= 0;
      i++;
    }
    if (i >= b.length) {
      throw NotCommon.INSTANCE;
    }
    return ascii;
  }

  /**
   * The pitem's key. Spelled exactly as {@code expectedPath} (when given), it is that string,
   * compared in place without a copy, as the full decode returns it; any other key is not the
   * common form.
   */
  private String key(String expectedPath) {
    if (expectedPath == null) {
      return string();
    }
    boolean ascii = scanString();
    int n = i - start;
    boolean same;
    if (ascii) {
      same = n == expectedPath.length();
      for (int k = 0; same && k < n; k++) {
        same = b[start + k] == expectedPath.charAt(k);
      }
    } else {
      same = new String(b, start, n, StandardCharsets.UTF_8).equals(expectedPath);
    }
    if (!same) {
      throw NotCommon.INSTANCE;
    }
    i++;
    return expectedPath;
  }

  private static final byte[][] FIELDS = {
    "file_size".getBytes(StandardCharsets.US_ASCII), "modified_time".getBytes(StandardCharsets.US_ASCII),
    "sha1_hash".getBytes(StandardCharsets.US_ASCII), "sha256_hash".getBytes(StandardCharsets.US_ASCII),
  };

  /** Which of the four fields comes next (an index into {@link #FIELDS}), read without a String. */
  private int field() {
    scanString();
    int n = i - start;
    for (int f = 0; f < FIELDS.length; f++) {
      if (java.util.Arrays.equals(b, start, start + n, FIELDS[f], 0, FIELDS[f].length)) {
        i++;
        return f;
      }
    }
    throw NotCommon.INSTANCE;
  }

  /** A non-negative integer in JSON's form (no leading zero, no sign, fraction or exponent). */
  private long integer() {
    skipWhitespace();
    int start = i;
    long v = 0;
    while (i < b.length && b[i] >= '0' && b[i] <= '9') {
      v = v * 10 + (b[i] - '0');
      i++;
    }
    int digits = i - start;
    if (digits == 0 || digits > MAX_DIGITS || (digits > 1 && b[start] == '0')) {
      throw NotCommon.INSTANCE;
    }
    return v;
  }

  /** Lowercase hex only: an uppercase digest is lowercased by the full decode, a rare case. */
  private static boolean hexLower(String s, int length) {
    if (s.length() != length) {
      return false;
    }
    for (int k = 0; k < length; k++) {
      char c = s.charAt(k);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }

  /** Not the common form: the caller falls back to the full decode. Stackless, thrown often. */
  private static final class NotCommon extends RuntimeException {
    static final NotCommon INSTANCE = new NotCommon();

    private NotCommon() {
      super(null, null, false, false);
    }
  }
}
