package org.pantri.scan;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Decides "binary" the way {@code file --mime-encoding -b} does, without spawning a process.
 *
 * <p>libmagic names an encoding from the first 64 KiB (its {@code encoding} parameter) and says
 * {@code binary} only when none of its text encodings fits. Of those, ASCII, UTF-8 (with or
 * without BOM), ISO-8859 and "extended ASCII" (unknown-8bit) all accept every byte >= 0x80 and
 * refuse the same C0 controls, so together they mean "no such control byte". What is left is
 * UTF-16 and UTF-32 with a byte order mark, and EBCDIC. Files of 0 or 1 bytes are "binary".
 */
public final class BinaryDetector {
  /** How much libmagic reads for the encoding decision (file -P encoding=65536). */
  static final int SAMPLE = 64 * 1024;

  /**
   * Bytes that are text in an ASCII-family encoding: BEL, BS, HT, LF, VT, FF, CR, ESC, the
   * printable range and everything >= 0x80. The rest (other C0 controls and DEL) mark a file
   * that is binary unless it is UTF-16/32 or EBCDIC.
   */
  private static final boolean[] TEXT = new boolean[256];
  /** EBCDIC bytes whose ASCII translation is text; measured against file 5.44 byte by byte. */
  private static final boolean[] EBCDIC_TEXT = new boolean[256];

  static {
    for (int b = 0; b < 256; b++) {
      TEXT[b] = (b >= 0x07 && b <= 0x0d) || b == 0x1b || (b >= 0x20 && b != 0x7f);
      EBCDIC_TEXT[b] = b >= 0x40 && b != 0xe1;
    }
    for (int b : new int[] {0x05, 0x0b, 0x0c, 0x0d, 0x15, 0x16, 0x25, 0x27, 0x2f}) {
      EBCDIC_TEXT[b] = true;
    }
  }

  private BinaryDetector() {}

  public static boolean isBinary(Path file) throws IOException {
    byte[] buf = new byte[SAMPLE];
    int len;
    try (InputStream in = Files.newInputStream(file)) {
      len = in.readNBytes(buf, 0, SAMPLE);
    }
    return isBinary(buf, len);
  }

  /** Decides on the first {@code len} bytes of a file (only the first {@link #SAMPLE} count). */
  public static boolean isBinary(byte[] head, int len) {
    int n = Math.min(len, SAMPLE);
    if (n <= 1) {
      return true;
    }
    if (allText(head, n, TEXT)) {
      return false;
    }
    return !utf32(head, n) && !utf16(head, n) && !allText(head, n, EBCDIC_TEXT);
  }

  private static boolean allText(byte[] b, int n, boolean[] table) {
    for (int i = 0; i < n; i++) {
      if (!table[b[i] & 0xff]) {
        return false;
      }
    }
    return true;
  }

  /** A code unit below 128 must be ASCII text; libmagic checks nothing else of the rest. */
  private static boolean asciiOk(long u) {
    return u >= 128 || TEXT[(int) u];
  }

  /** UTF-32 with a BOM: no 0xFFFE unit, no control character. A trailing partial unit is ignored. */
  private static boolean utf32(byte[] b, int n) {
    if (n < 4) {
      return false;
    }
    boolean big;
    if (u8(b, 0) == 0xff && u8(b, 1) == 0xfe && b[2] == 0 && b[3] == 0) {
      big = false;
    } else if (b[0] == 0 && b[1] == 0 && u8(b, 2) == 0xfe && u8(b, 3) == 0xff) {
      big = true;
    } else {
      return false;
    }
    for (int i = 4; i + 3 < n; i += 4) {
      long u = big
          ? ((long) u8(b, i) << 24) | (u8(b, i + 1) << 16) | (u8(b, i + 2) << 8) | u8(b, i + 3)
          : ((long) u8(b, i + 3) << 24) | (u8(b, i + 2) << 16) | (u8(b, i + 1) << 8) | u8(b, i);
      if (u == 0xfffe || !asciiOk(u)) {
        return false;
      }
    }
    return true;
  }

  /**
   * UTF-16 with a BOM: no 0xFFFE/0xFFFF or U+FDD0..U+FDEF noncharacter, no control character, a
   * high surrogate only before a low one (a lone high surrogate at the very end is accepted).
   */
  private static boolean utf16(byte[] b, int n) {
    boolean big;
    if (u8(b, 0) == 0xff && u8(b, 1) == 0xfe) {
      big = false;
    } else if (u8(b, 0) == 0xfe && u8(b, 1) == 0xff) {
      big = true;
    } else {
      return false;
    }
    boolean afterHigh = false;
    for (int i = 2; i + 1 < n; i += 2) {
      int u = big ? (u8(b, i) << 8) | u8(b, i + 1) : (u8(b, i + 1) << 8) | u8(b, i);
      if (u == 0xfffe || u == 0xffff || (u >= 0xfdd0 && u <= 0xfdef)) {
        return false;
      }
      boolean high = u >= 0xd800 && u <= 0xdbff;
      boolean low = u >= 0xdc00 && u <= 0xdfff;
      if (afterHigh) {
        if (!low) {
          return false;
        }
        afterHigh = false;
        continue;
      }
      if (low || !asciiOk(u)) {
        return false;
      }
      afterHigh = high;
    }
    return true;
  }

  private static int u8(byte[] b, int i) {
    return b[i] & 0xff;
  }
}
