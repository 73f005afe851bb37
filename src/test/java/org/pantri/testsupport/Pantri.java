package org.pantri.testsupport;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code pantri} main class in a child JVM, as a user would: own working
 * directory, environment, exit code, stdout and stderr.
 */
public final class Pantri {
  private final Path home;
  private final Map<String, String> env = new HashMap<>();

  public Pantri(Path home) {
    this.home = home;
    env.put("HOME", home.toString());
    env.put("XDG_DATA_HOME", home.resolve("data").toString());
    env.put("XDG_CACHE_HOME", home.resolve("cache").toString());
    env.put("GIT_AUTHOR_NAME", "t");
    env.put("GIT_AUTHOR_EMAIL", "t@example.invalid");
    env.put("GIT_COMMITTER_NAME", "t");
    env.put("GIT_COMMITTER_EMAIL", "t@example.invalid");
    env.put("GIT_CONFIG_NOSYSTEM", "1");
    // as bin/pantri does: Java can name non-ASCII files only under a UTF-8 locale
    env.put("LC_ALL", "C.UTF-8");
    env.put("XDG_CONFIG_HOME", home.resolve("config").toString());
  }

  private final java.util.Set<String> unset = new java.util.HashSet<>();

  /** Removes {@code k} from the child's environment (even when this JVM's environment has it). */
  public Pantri unset(String k) {
    env.remove(k);
    unset.add(k);
    return this;
  }

  public Pantri env(String k, String v) {
    unset.remove(k);
    env.put(k, v);
    return this;
  }

  public Path home() {
    return home;
  }

  /** Outcome of one run. */
  public record Out(int code, String stdout, String stderr) {
    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
  }

  public ProcessBuilder builder(Path cwd, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("org.pantri.cli.Main");
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
    // the host trust of the developer running the tests must not leak into them
    pb.environment().keySet().removeIf(k -> k.startsWith("PANTRI_TRUST_") || unset.contains(k));
    pb.environment().putAll(env);
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    return pb;
  }

  public Out run(Path cwd, String... args) throws IOException, InterruptedException {
    Path out = Files.createTempFile(home, "out", ".txt");
    Path err = Files.createTempFile(home, "err", ".txt");
    Process p = builder(cwd, args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("pantri " + String.join(" ", args) + " did not finish in 120 s");
    }
    return new Out(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  /** Runs git in {@code dir} with the same isolated environment; fails on a non-zero exit. */
  public String git(Path dir, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("git"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException("git " + String.join(" ", args) + " failed in " + dir + ":\n" + text);
    }
    return text;
  }
}
