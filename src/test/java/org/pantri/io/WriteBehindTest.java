package org.pantri.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteBehindTest {
  @TempDir
  Path dir;

  private static void awaitIdle(WriteBehind wb) throws InterruptedException {
    for (int i = 0; i < 500 && wb.flushing(); i++) {
      Thread.sleep(10);
    }
    assertThat(wb.flushing()).as("background flush still running after 5 s").isFalse();
  }

  @Test
  void aFileSmallerThanTheStepIsNeverFlushedEarly() throws Exception {
    try (FileChannel ch = FileChannel.open(dir.resolve("f"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      WriteBehind wb = new WriteBehind(ch, 0, 4096);
      ch.write(ByteBuffer.wrap(new byte[4095]));
      wb.written(4095);
      awaitIdle(wb);
      assertThat(wb.flushed()).isZero();
    }
  }

  @Test
  void flushesInTheBackgroundAsTheFileGrowsAndLeavesItsBytesAlone() throws Exception {
    Path f = dir.resolve("f");
    byte[] data = new byte[64 * 1024];
    new Random(7).nextBytes(data);
    WriteBehind wb;
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      wb = new WriteBehind(ch, 0, 8192);
      long written = 0;
      for (int off = 0; off < data.length; off += 4096) {
        written += ch.write(ByteBuffer.wrap(data, off, 4096), written);
        wb.written(written);
      }
      awaitIdle(wb);
      ch.force(false); // the writer's own final sync, as every caller does
    }
    assertThat(wb.flushed()).isPositive();
    assertThat(Arrays.equals(Files.readAllBytes(f), data)).isTrue();
  }

  @Test
  void bytesAlreadyThereAtTheStartDoNotCount() throws Exception {
    try (FileChannel ch = FileChannel.open(dir.resolve("f"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      // a resumed download: 10,000 bytes were there, 3,000 more are not a whole step
      WriteBehind wb = new WriteBehind(ch, 10_000, 4096);
      ch.write(ByteBuffer.wrap(new byte[13_000]));
      wb.written(13_000);
      awaitIdle(wb);
      assertThat(wb.flushed()).isZero();
    }
  }

  @Test
  void aChannelClosedUnderItIsNotTheWritersProblem() throws Exception {
    FileChannel ch = FileChannel.open(dir.resolve("f"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    WriteBehind wb = new WriteBehind(ch, 0, 1);
    ch.write(ByteBuffer.wrap(new byte[10]));
    ch.close();
    assertThatCode(() -> wb.written(10)).doesNotThrowAnyException();
    awaitIdle(wb);
    assertThat(wb.flushed()).isZero();
  }
}
