package org.pantri.scan;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-1 and SHA-256 of a file in one read. (Placeholder: single-threaded.) */
public final class Hasher {
  /** Bytes per read. */
  static final int BUFFER = 1 << 16;

  private Hasher() {}

  public static Digests hash(Path file) throws IOException {
    MessageDigest s1;
    MessageDigest s256;
    try {
      s1 = MessageDigest.getInstance("SHA-1");
      s256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    long size = 0;
    byte[] buf = new byte[BUFFER];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        s1.update(buf, 0, n);
        s256.update(buf, 0, n);
        size += n;
      }
    }
    return new Digests(size, HexFormat.of().formatHex(s1.digest()), HexFormat.of().formatHex(s256.digest()));
  }
}
