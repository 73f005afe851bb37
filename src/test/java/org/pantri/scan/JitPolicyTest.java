package org.pantri.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pantri.store.FileRange;
import org.pantri.store.Keys;

/**
 * The launchers' JIT policy (src/main/jvm/compile-commands.txt) does what it says on the JDK that
 * runs the tests: digests and ciphers still get the optimising compiler (C2), whose intrinsics
 * they need, and Pantri's own code is turned away from it. Checked from the JVM's compilation log,
 * not from timings: a JDK that dropped or reordered the option would fail here, not just get slow.
 */
public class JitPolicyTest {
  @TempDir Path tmp;

  @Test
  void digestsAndCiphersKeepC2AndPantrisOwnCodeDoesNot() throws Exception {
    check(Path.of(System.getProperty("java.home"), "bin", "java"),
        Path.of("src/main/jvm/compile-commands.txt").toAbsolutePath(), tmp);
  }

  /** Runs a hashing, MD5, AES-GCM and key-checking workload on {@code java} with the policy file. */
  public static void check(Path java, Path commands, Path dir) throws Exception {
    assertThat(commands).isRegularFile();
    Path data = dir.resolve("jit-data");
    byte[] b = new byte[8 << 20];
    new Random(7).nextBytes(b);
    Files.write(data, b);

    List<String> log = run(java, commands, data);

    assertThat(log).noneMatch(l -> l.contains("CompileCommand"));
    assertThat(c2(log, "sun.security.provider.", false)).as("digests compiled by C2").isNotEmpty();
    assertThat(c2(log, "com.sun.crypto.provider.", false)).as("AES-GCM compiled by C2").isNotEmpty();
    assertThat(c2(log, "org.pantri.", true)).as("Pantri's code offered to C2 and refused").isNotEmpty();
    assertThat(c2(log, "org.pantri.", false)).as("Pantri's code compiled by C2, in:\n%s",
        String.join("\n", log.stream().filter(l -> l.contains("org.pantri.")).toList())).isEmpty();
  }

  /**
   * Methods under {@code prefix} with tier-4 (C2) compilations that were all skipped, or with one
   * that was not. A -XX:+PrintCompilation line: timestamp, compile id, flags, tier, Class::method
   * (size); a bail-out repeats it with "COMPILE SKIPPED" after. Compiler threads print
   * concurrently, so a line may lose its start to another one: a start counts by "4 Class::method",
   * a bail-out by the method named before "COMPILE SKIPPED".
   */
  private static List<String> c2(List<String> log, String prefix, boolean skipped) {
    Map<String, Integer> started = new LinkedHashMap<>();
    Map<String, Integer> bailedOut = new HashMap<>();
    for (String line : log) {
      int skip = line.indexOf("COMPILE SKIPPED");
      String[] t = (skip < 0 ? line : line.substring(0, skip)).trim().split("\\s+");
      for (int i = t.length - 1; i >= 0; i--) {
        if (t[i].contains("::")) {
          if (skip >= 0) {
            bailedOut.merge(t[i], 1, Integer::sum);
          } else if (i > 0 && t[i - 1].equals("4")) {
            started.merge(t[i], 1, Integer::sum);
          }
          break;
        }
      }
    }
    return started.keySet().stream().filter(m -> m.startsWith(prefix))
        .filter(m -> (bailedOut.getOrDefault(m, 0) >= started.get(m)) == skipped).toList();
  }

  private static List<String> run(Path java, Path commands, Path data) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(java.toString(), "-XX:+UseSerialGC", "-XX:CompileCommandFile=" + commands,
        "-XX:+PrintCompilation", "-cp", System.getProperty("java.class.path"), Workload.class.getName(),
        data.toString()).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String text = new String(out, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(text).isZero();
    assertThat(text).contains("workload done");
    return Arrays.asList(text.split("\n"));
  }

  /** What a store and a TLS transfer keep hot: SHA-1 + SHA-256, MD5, AES-GCM, key checks. */
  public static final class Workload {
    public static void main(String[] args) throws Exception {
      Path data = Path.of(args[0]);
      long size = Files.size(data);
      for (int i = 0; i < 12; i++) {
        Hasher.hash(data);
        FileRange.md5(data, 0, size);
      }
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(new byte[16], "AES"), new GCMParameterSpec(128, new byte[12]));
      byte[] in = new byte[1 << 16];
      byte[] out = new byte[in.length + 16];
      for (int i = 0; i < 2048; i++) {
        c.update(in, 0, in.length, out, 0);
      }
      long n = 0;
      for (int i = 0; i < 400_000; i++) {
        n += Keys.check("sha256/" + Integer.toHexString(i)).length();
      }
      System.out.println("workload done " + n);
    }
  }
}
