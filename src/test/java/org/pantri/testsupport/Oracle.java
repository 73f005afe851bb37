package org.pantri.testsupport;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The independent programs unit tests compare Pantri against: the Python the original tool ran
 * on ({@code /usr/bin/python3}, not whatever python is first on PATH) and libmagic's
 * {@code file}. A missing oracle fails the test under {@code CI=true} (scripts/test.sh installs
 * both) and skips it elsewhere, as {@link TestServers} does for servers.
 */
public final class Oracle {
  public static final Path PYTHON = Path.of("/usr/bin/python3");
  public static final Path FILE = Path.of("/usr/bin/file");

  private Oracle() {}

  public static void require(Path exe) {
    if (!Files.isExecutable(exe)) {
      String msg = exe + " is not installed; scripts/test.sh installs it (Debian package "
          + (exe.equals(FILE) ? "file" : "python3") + ")";
      if (TestServers.inCi()) {
        fail(msg);
      }
      assumeTrue(false, msg);
    }
  }

  /**
   * Runs a Python script ({@code -I}: no user site, no PYTHON* variables, so the answer is the
   * interpreter's own) with {@code stdin}, and returns its standard output.
   */
  public static byte[] python(String script, byte[] stdin) {
    require(PYTHON);
    return run(List.of(PYTHON.toString(), "-I", "-c", script), stdin);
  }

  public static String pythonText(String script, String stdin) {
    return new String(python(script, stdin.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
  }

  /** Runs a command, feeding {@code stdin}; fails the test on a non-zero exit or after 60 s. */
  public static byte[] run(List<String> command, byte[] stdin) {
    try {
      Path err = Files.createTempFile("pantri-oracle", ".err");
      try {
        Process p = new ProcessBuilder(new ArrayList<>(command))
            .redirectError(err.toFile())
            .start();
        CompletableFuture<Void> feed = CompletableFuture.runAsync(() -> {
          try (OutputStream o = p.getOutputStream()) {
            o.write(stdin);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
        byte[] out;
        try (InputStream in = p.getInputStream()) {
          out = in.readAllBytes();
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          fail(command.get(0) + " did not finish in 60 s");
        }
        feed.join();
        if (p.exitValue() != 0) {
          fail(command.get(0) + " exited " + p.exitValue() + ": " + Files.readString(err));
        }
        return out;
      } finally {
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
