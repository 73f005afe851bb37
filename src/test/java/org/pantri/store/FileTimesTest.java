package org.pantri.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** modified_time and X-Object-Meta-Mtime agree with what python3 (and so the original) computes. */
class FileTimesTest {
  @TempDir Path tmp;

  @Test
  void agreesWithPythonOnMtimesNearWholeSeconds() throws Exception {
    List<long[]> times = new ArrayList<>();
    long[] nanos = {0, 1, 500_000, 123_456_789, 499_999_999, 500_000_000, 999_999_000, 999_999_880,
        999_999_900, 999_999_950, 999_999_999};
    for (long sec : new long[] {1_600_000_000L, 1_733_097_599L, 2_000_000_000L, 86_399L}) {
      for (long n : nanos) {
        times.add(new long[] {sec, n});
      }
    }
    Random r = new Random(3);
    for (int i = 0; i < 200; i++) {
      times.add(new long[] {1_500_000_000L + r.nextInt(400_000_000), r.nextInt(1_000_000_000)});
    }
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < times.size(); i++) {
      Path p = tmp.resolve("f" + i);
      Files.write(p, new byte[0]);
      Files.setLastModifiedTime(p, FileTime.from(Instant.ofEpochSecond(times.get(i)[0], times.get(i)[1])));
      files.add(p);
    }
    List<String> cmd = new ArrayList<>(List.of("python3", "-c",
        "import os,sys\nfor p in sys.argv[1:]:\n  m = os.path.getmtime(p)\n  print(os.stat(p).st_mtime_ns, int(m), '%f' % m)"));
    files.forEach(p -> cmd.add(p.toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    assertThat(p.waitFor()).as(String.join("\n", lines)).isZero();
    assertThat(lines).hasSize(files.size());
    int roundedUp = 0;
    for (int i = 0; i < files.size(); i++) {
      String[] py3 = lines.get(i).split(" ");
      FileTime t = Files.getLastModifiedTime(files.get(i));
      long ns = t.toInstant().getEpochSecond() * 1_000_000_000L + t.toInstant().getNano();
      assertThat(ns).as("the file system kept the nanoseconds").isEqualTo(Long.parseLong(py3[0]));
      assertThat(FileTimes.pythonSeconds(t)).as(lines.get(i)).isEqualTo(Long.parseLong(py3[1]));
      assertThat(FileTimes.swiftclientMtime(t)).as(lines.get(i)).isEqualTo(py3[2]);
      if (FileTimes.pythonSeconds(t) != t.toInstant().getEpochSecond()) {
        roundedUp++;
      }
    }
    // the case the truncation of nanoseconds got wrong is really among them
    assertThat(roundedUp).isGreaterThan(0);
  }
}
