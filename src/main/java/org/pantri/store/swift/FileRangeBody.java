package org.pantri.store.swift;

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
 * A request body of {@code length} bytes of a file from {@code offset}, streamed (never held in
 * memory) and MD5-hashed on the way out, so the bytes actually sent can be compared with the ETag
 * Swift computed over the bytes it received.
 */
final class FileRangeBody implements SwiftHttp.Body {
  private static final int BUFFER = 256 * 1024;
  private final Path file;
  private final long offset;
  private final long length;
  private volatile String sentMd5;

  FileRangeBody(Path file, long offset, long length) {
    this.file = file;
    this.offset = offset;
    this.length = length;
  }

  @Override
  public long length() {
    return length;
  }

  /** Sends the range; may be called again for a repeated request. */
  @Override
  public void writeTo(OutputStream out) throws IOException {
    sentMd5 = null;
    MessageDigest md = md5();
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
          throw new IOException(file + " became shorter while it was uploaded (expected " + end + " bytes)");
        }
        md.update(b, 0, n);
        out.write(b, 0, n);
        pos += n;
      }
    }
    sentMd5 = HexFormat.of().formatHex(md.digest());
  }

  /** MD5 hex of what the last {@link #writeTo} sent, or null if it did not send all bytes. */
  String sentMd5() {
    return sentMd5;
  }

  /** MD5 hex of the range, read from disk in a separate pass (for the ETag request header). */
  String computeMd5() throws IOException {
    writeTo(OutputStream.nullOutputStream());
    return sentMd5;
  }

  static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks MD5", e);
    }
  }
}
