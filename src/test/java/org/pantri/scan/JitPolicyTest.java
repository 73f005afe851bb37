package org.pantri.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    Path xml = dir.resolve("jit.xml");
    String out = run(java, commands, data, xml);
    String log = Files.readString(xml, StandardCharsets.ISO_8859_1);

    assertThat(out).doesNotContain("CompileCommand");
    assertThat(byC2(log, "sun.security.provider.")).as("digests compiled by C2").isNotEmpty();
    assertThat(byC2(log, "com.sun.crypto.provider.")).as("AES-GCM compiled by C2").isNotEmpty();
    assertThat(refusedByC2(log, "org.pantri.")).as("Pantri's code offered to C2 and refused").isNotEmpty();
    assertThat(byC2(log, "org.pantri.")).as("Pantri's code compiled by C2").isEmpty();
  }

  // -XX:+LogCompilation, not -XX:+PrintCompilation: the compiler threads print the latter
  // concurrently and split each other's lines (a run once lost a bail-out that way), while the
  // former keeps a log per thread and merges them whole at exit.
  private static final Pattern NMETHOD = Pattern.compile("<nmethod [^>]*>");
  private static final Pattern TASK = Pattern.compile("<task ([^>]*)>(.*?)</task>", Pattern.DOTALL);

  /** Methods under {@code prefix} of which C2 installed code ("nmethod ... compiler='c2'"). */
  private static List<String> byC2(String log, String prefix) {
    List<String> out = new ArrayList<>();
    Matcher m = NMETHOD.matcher(log);
    while (m.find()) {
      String method = attribute(m.group(), "method");
      if ("c2".equals(attribute(m.group(), "compiler")) && method != null && method.startsWith(prefix)) {
        out.add(method);
      }
    }
    return out;
  }

  /** Methods under {@code prefix} with a C2 task that failed (a task at tier 4 has no level attribute). */
  private static List<String> refusedByC2(String log, String prefix) {
    List<String> out = new ArrayList<>();
    Matcher m = TASK.matcher(log);
    while (m.find()) {
      String method = attribute(m.group(1), "method");
      if (attribute(m.group(1), "level") == null && method != null && method.startsWith(prefix)
          && m.group(2).contains("<failure ")) {
        out.add(method);
      }
    }
    return out;
  }

  private static String attribute(String element, String name) {
    Matcher m = Pattern.compile("\\s" + name + "='([^']*)'").matcher(element);
    return m.find() ? m.group(1) : null;
  }

  private static String run(Path java, Path commands, Path data, Path xml) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(java.toString(), "-XX:+UseSerialGC", "-XX:CompileCommandFile=" + commands,
        "-XX:+UnlockDiagnosticVMOptions", "-XX:+LogCompilation", "-XX:LogFile=" + xml,
        "-cp", System.getProperty("java.class.path"), Workload.class.getName(),
        data.toString()).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String text = new String(out, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(text).isZero();
    assertThat(text).contains("workload done");
    assertThat(xml).isRegularFile();
    return text;
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
