package org.pantri.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The git blob id of a file's content ({@code git hash-object}), to compare DEST with a commit. */
final class GitBlobs {
  private GitBlobs() {}

  static String id(Path file) throws IOException {
    MessageDigest sha1;
    try {
      sha1 = MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    long size = Files.size(file);
    sha1.update(("blob " + size + "\0").getBytes(StandardCharsets.US_ASCII));
    long seen = 0;
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      byte[] b = new byte[64 * 1024];
      int n;
      while ((n = in.read(b)) > 0) {
        sha1.update(b, 0, n);
        seen += n;
      }
    }
    if (seen != size) {
      return "changed-while-read";
    }
    return HexFormat.of().formatHex(sha1.digest());
  }
}
