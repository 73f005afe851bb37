package org.pantri.scan;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Decides "binary" the way {@code file --mime-encoding -b} does (libmagic's encoding check on
 * the first 64 KiB), without spawning a process. (Placeholder: NUL-byte heuristic.)
 */
public final class BinaryDetector {
  static final int SAMPLE = 64 * 1024;

  private BinaryDetector() {}

  public static boolean isBinary(Path file) throws IOException {
    byte[] buf = new byte[SAMPLE];
    int len;
    try (InputStream in = Files.newInputStream(file)) {
      len = in.readNBytes(buf, 0, SAMPLE);
    }
    return isBinary(buf, len);
  }

  public static boolean isBinary(byte[] head, int len) {
    if (len <= 1) {
      return true;
    }
    for (int i = 0; i < len; i++) {
      if (head[i] == 0) {
        return true;
      }
    }
    return false;
  }
}
