package org.pantri.store.swift;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.pantri.store.FileRange;

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
    MessageDigest md = FileRange.md5();
    FileRange.copy(file, offset, length, new java.io.FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        org.pantri.store.SendProgress.sent(len);
      }
    }, md);
    sentMd5 = HexFormat.of().formatHex(md.digest());
  }

  /** MD5 hex of what the last {@link #writeTo} sent, or null if it did not send all bytes. */
  String sentMd5() {
    return sentMd5;
  }

  /** MD5 hex of the range, read from disk in a separate pass (for the ETag request header). */
  String computeMd5() throws IOException {
    return FileRange.md5Hex(file, offset, length);
  }
}
