package org.pantri.store.swift;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A request body of {@code length} bytes of a file from {@code offset}, streamed (never held in
 * memory) and MD5-hashed on the way out, so the bytes actually sent can be compared with the ETag
 * Swift computed over the bytes it received.
 */
final class FileRangeBody {
  private final Path file;
  private final long offset;
  private final long length;
  private volatile MessageDigest lastDigest;
  private volatile CountingStream lastStream;

  FileRangeBody(Path file, long offset, long length) {
    this.file = file;
    this.offset = offset;
    this.length = length;
  }

  long length() {
    return length;
  }

  /** A fresh publisher; the client may call this again for a re-sent request. */
  HttpRequest.BodyPublisher publisher() {
    if (length == 0) {
      lastDigest = md5();
      return HttpRequest.BodyPublishers.noBody();
    }
    return HttpRequest.BodyPublishers.fromPublisher(
        HttpRequest.BodyPublishers.ofInputStream(this::openStream), length);
  }

  private InputStream openStream() {
    try {
      FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
      ch.position(offset);
      MessageDigest md = md5();
      CountingStream s = new CountingStream(Channels.newInputStream(ch), length);
      lastDigest = md;
      lastStream = s;
      return new DigestInputStream(s, md);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** MD5 hex of what the last publisher sent, or null if it did not send all {@code length} bytes. */
  String sentMd5() {
    CountingStream s = lastStream;
    if (length > 0 && (s == null || s.count != length)) {
      return null;
    }
    return HexFormat.of().formatHex(lastDigest.digest());
  }

  /** MD5 hex of the range, read from disk in a separate pass (for the ETag request header). */
  String computeMd5() throws IOException {
    MessageDigest md = md5();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
      long pos = offset;
      long end = offset + length;
      while (pos < end) {
        buf.clear();
        buf.limit((int) Math.min(buf.capacity(), end - pos));
        int n = ch.read(buf, pos);
        if (n < 0) {
          throw new IOException(file + " is shorter than expected (" + end + " bytes)");
        }
        buf.flip();
        md.update(buf);
        pos += n;
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks MD5", e);
    }
  }

  /** Stops at {@code limit} bytes and counts what was read. */
  private static final class CountingStream extends FilterInputStream {
    private final long limit;
    long count;

    CountingStream(InputStream in, long limit) {
      super(in);
      this.limit = limit;
    }

    @Override
    public int read() throws IOException {
      if (count >= limit) {
        return -1;
      }
      int b = in.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (count >= limit) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, limit - count));
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }
}
