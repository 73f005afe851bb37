package org.pantri.store.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import org.pantri.store.FileRange;
import software.amazon.awssdk.http.ContentStreamProvider;

/**
 * {@code length} bytes of a file at {@code offset}, streamed from disk on every request so a part
 * upload never holds the part in memory (64 MiB parts on 8 threads would be 512 MiB of heap). The
 * SDK may ask for a fresh stream per signing pass or attempt; each opens its own channel and the
 * previous one is closed.
 */
final class FileSlice implements ContentStreamProvider, AutoCloseable {
  private static final int BUF = 256 * 1024;
  private final Path file;
  private final long offset;
  private final long length;
  private InputStream current;

  FileSlice(Path file, long offset, long length) {
    this.file = file;
    this.offset = offset;
    this.length = length;
  }

  @Override
  public synchronized InputStream newStream() {
    closeCurrent();
    try {
      current = new SliceStream(FileChannel.open(file, StandardOpenOption.READ), offset, length);
      return current;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String name() {
    return "FileSlice";
  }

  @Override
  public synchronized void close() {
    closeCurrent();
  }

  private void closeCurrent() {
    if (current != null) {
      try {
        current.close();
      } catch (IOException ignored) {
        // a read-only channel has nothing to flush; closing cannot lose data
      }
      current = null;
    }
  }

  /**
   * Base64 MD5 of the slice, for Content-MD5. Reads the slice once more; S3-compatible servers
   * verify it before storing, which is the only integrity check they all support.
   */
  static String md5Base64(Path file, long offset, long length) throws IOException {
    return Base64.getEncoder().encodeToString(FileRange.md5(file, offset, length));
  }

  /** Reads exactly the slice via positional reads, so it needs no shared channel position. */
  private static final class SliceStream extends InputStream {
    private final FileChannel ch;
    private long pos;
    private final long end;

    SliceStream(FileChannel ch, long offset, long length) {
      this.ch = ch;
      this.pos = offset;
      this.end = offset + length;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (pos >= end) {
        return -1;
      }
      int want = (int) Math.min(len, end - pos);
      int n = ch.read(ByteBuffer.wrap(b, off, want), pos);
      org.pantri.store.SendProgress.sent(n);
      if (n < 0) {
        // The file shrank under us: a short body would be rejected by the length check anyway,
        // but saying so here gives a clearer error.
        throw new IOException("file ended at offset " + pos + " before the part's end " + end);
      }
      pos += n;
      return n;
    }

    @Override
    public long skip(long n) {
      long k = Math.max(0, Math.min(n, end - pos));
      pos += k;
      return k;
    }

    @Override
    public int available() {
      return (int) Math.min(Integer.MAX_VALUE, end - pos);
    }

    @Override
    public void close() throws IOException {
      ch.close();
    }
  }
}
