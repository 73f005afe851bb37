package org.pantri.store;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * {@code length} bytes of a file at {@code offset}, read with positional reads in bounded
 * buffers: the one loop behind every "send this range" and "MD5 of this range" (Swift segments,
 * S3 parts and Content-MD5).
 */
public final class FileRange {
  private static final int BUFFER = 256 * 1024;

  private FileRange() {}

  /**
   * Streams the range to {@code out} (may be a null stream), updating {@code digest} (may be null)
   * with every byte.
   *
   * @throws IOException also when the file is shorter than the range
   */
  public static void copy(Path file, long offset, long length, OutputStream out, MessageDigest digest)
      throws IOException {
    byte[] b = new byte[(int) Math.min(BUFFER, Math.max(1, length))];
    ByteBuffer buf = ByteBuffer.wrap(b);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long pos = offset;
      long end = offset + length;
      while (pos < end) {
        buf.clear();
        buf.limit((int) Math.min(b.length, end - pos));
        int n = ch.read(buf, pos);
        if (n < 0) {
          throw new IOException(file + " became shorter while it was read (ended at " + pos + ", expected "
              + end + " bytes)");
        }
        if (digest != null) {
          digest.update(b, 0, n);
        }
        out.write(b, 0, n);
        pos += n;
      }
    }
  }

  /** The MD5 of the range (one read of it). */
  public static byte[] md5(Path file, long offset, long length) throws IOException {
    MessageDigest md = md5();
    copy(file, offset, length, OutputStream.nullOutputStream(), md);
    return md.digest();
  }

  /** The MD5 of the range as lowercase hex. */
  public static String md5Hex(Path file, long offset, long length) throws IOException {
    return HexFormat.of().formatHex(md5(file, offset, length));
  }

  public static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks MD5", e);
    }
  }
}
