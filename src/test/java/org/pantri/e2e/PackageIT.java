package org.pantri.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release (scripts/package.sh, run by failsafe after `mvn package`): the archive unpacks into
 * a pantri that runs with no JDK and no Maven on PATH, through a symlink too, and stores and
 * retrieves on the fs store; the .deb holds the same tree under /opt/pantri. Packaging that fails
 * fails the test (a missing jlink only skips it, and only outside CI).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PackageIT {
  static final Path TOP = Path.of(System.getProperty("pantri.basedir", "")).toAbsolutePath();
  static final String VERSION = System.getProperty("pantri.version", "0.1.0");
  static final Path DIST = TOP.resolve("target/dist");

  @TempDir static Path tmp;
  Path unpacked;
  /** A PATH with git, sh and the coreutils the launcher uses: no java, no mvn. */
  Path tools;

  record Out(int code, String stdout, String stderr) {}

  static Out run(Path dir, Map<String, String> env, boolean clearEnv, List<String> cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    if (clearEnv) {
      pb.environment().clear();
    }
    pb.environment().putAll(env);
    Path out = Files.createTempFile("pantri-it", ".out");
    Path err = Files.createTempFile("pantri-it", ".err");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Process p = pb.start();
    if (!p.waitFor(600, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("timed out: " + cmd);
    }
    Out o = new Out(p.exitValue(), Files.readString(out), Files.readString(err));
    Files.delete(out);
    Files.delete(err);
    return o;
  }

  static Out run(Path dir, String... cmd) throws Exception {
    return run(dir, Map.of(), false, List.of(cmd));
  }

  /** Runs with only {@link #tools} on PATH and no JAVA_HOME, as on a machine without a JDK. */
  Out bare(Path dir, String... cmd) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("PATH", tools.toString());
    env.put("HOME", tmp.resolve("home").toString());
    env.put("LANG", "C.UTF-8");
    return run(dir, env, true, List.of(cmd));
  }

  static boolean ci() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  @BeforeAll
  void packageAndUnpack() throws Exception {
    Path jar = TOP.resolve("target/pantri.jar");
    assertThat(jar).as("failsafe runs after package").exists();
    boolean jlink = Files.isExecutable(Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/jlink"))
        || Files.isExecutable(Path.of(System.getProperty("java.home"), "bin", "jlink"));
    if (!jlink && !ci()) {
      Assumptions.abort("no jlink on this machine: the release cannot be built (CI=true fails instead)");
    }
    Out p = run(TOP, "bash", "scripts/package.sh", "--jar", jar.toString(), "--out", DIST.toString());
    assertThat(p.code()).as("scripts/package.sh failed:\n" + p.stderr()).isZero();
    Path tar = DIST.resolve("pantri-" + VERSION + "-linux-x64.tar.gz");
    assertThat(tar).exists();
    Files.createDirectories(tmp.resolve("home"));
    Path into = Files.createDirectories(tmp.resolve("unpacked"));
    assertThat(run(into, "tar", "xzf", tar.toString()).code()).isZero();
    unpacked = into.resolve("pantri-" + VERSION);

    tools = Files.createDirectories(tmp.resolve("tools"));
    for (String t : List.of("sh", "git", "readlink", "dirname", "cat", "env", "uname", "ls")) {
      Path real = null;
      for (String d : List.of("/usr/bin", "/bin")) {
        if (Files.isExecutable(Path.of(d, t))) {
          real = Path.of(d, t);
          break;
        }
      }
      assertThat(real).as(t).isNotNull();
      Files.createSymbolicLink(tools.resolve(t), real);
    }
  }

  @Test
  void noJavaNoMavenOnThePath() throws Exception {
    Out o = bare(tmp, "sh", "-c", "command -v java || command -v mvn || command -v javac || echo none");
    assertThat(o.stdout().trim()).isEqualTo("none");
  }

  @Test
  void theArchiveHoldsItsRuntimeManPageAndCompletion() throws IOException {
    assertThat(unpacked.resolve("bin/pantri")).isExecutable();
    assertThat(unpacked.resolve("runtime/bin/java")).isExecutable();
    assertThat(unpacked.resolve("runtime/bin/javac")).doesNotExist();
    assertThat(unpacked.resolve("lib/pantri.jar")).isRegularFile();
    assertThat(unpacked.resolve("share/man/man1/pantri.1.gz")).isNotEmptyFile();
    assertThat(unpacked.resolve("share/bash-completion/completions/pantri")).content()
        .contains("complete -F _complete_pantri");
    // the start-up cache: the AOT cache of a JDK 25 runtime, else the runtime's base CDS archive
    assertThat(Files.isRegularFile(unpacked.resolve("lib/pantri.aot"))
        || Files.isRegularFile(unpacked.resolve("runtime/lib/server/classes.jsa"))).isTrue();
  }

  @Test
  void versionAndHelpWithoutAJdk() throws Exception {
    Out v = bare(tmp, unpacked.resolve("bin/pantri").toString(), "--version");
    assertThat(v.code()).as(v.toString()).isZero();
    assertThat(v.stdout().trim()).isEqualTo("pantri " + VERSION);
    assertThat(v.stderr()).isEmpty(); // the start-up cache is used or skipped silently
    Out h = bare(tmp, unpacked.resolve("bin/pantri").toString(), "help", "retrieve");
    assertThat(h.code()).isZero();
    assertThat(h.stdout()).contains("Usage: pantri retrieve", "Examples:", "pantri.toml", "ST_AUTH");
  }

  /** The release's JIT policy holds on its own runtime (JDK 25 when packaged from Temurin 25). */
  @Test
  void theJitPolicyHoldsOnTheBundledRuntime() throws Exception {
    assertThat(unpacked.resolve("bin/pantri")).content().contains("-XX:CompileCommandFile=$top/lib/compile-commands.txt");
    org.pantri.scan.JitPolicyTest.check(unpacked.resolve("runtime/bin/java"),
        unpacked.resolve("lib/compile-commands.txt"), Files.createDirectories(tmp.resolve("jit")));
  }

  /** The launcher's heap sizes yield to the user's: -Xms192m beside -Xmx128m would not start. */
  @Test
  void heapOptionsOfTheUserWinOverTheLaunchers() throws Exception {
    for (String opts : List.of("-Xmx128m", "-Xmx40m -Xss1m", "-XX:MaxHeapSize=100m", "-Xms32m")) {
      Map<String, String> env = new HashMap<>();
      env.put("PATH", tools.toString());
      env.put("HOME", tmp.resolve("home").toString());
      env.put("PANTRI_JAVA_OPTS", opts);
      Out v = run(tmp, env, true, List.of(unpacked.resolve("bin/pantri").toString(), "--version"));
      assertThat(v.code()).as(opts + ": " + v).isZero();
      assertThat(v.stdout().trim()).isEqualTo("pantri " + VERSION);
    }
  }

  /** store, commit, push, clone, retrieve through a symlink to bin/pantri (as /usr/bin/pantri). */
  @Test
  void storeAndRetrieveThroughASymlinkWithoutAJdk() throws Exception {
    Path link = Files.createDirectories(tmp.resolve("usr-bin")).resolve("pantri");
    Files.createSymbolicLink(link, unpacked.resolve("bin/pantri"));
    String pantri = link.toString();
    Path remote = tmp.resolve("remote.git");
    Path a = tmp.resolve("a");
    assertThat(run(tmp, "git", "init", "-q", "--bare", remote.toString()).code()).isZero();
    assertThat(run(tmp, "git", "init", "-q", a.toString()).code()).isZero();
    Files.createDirectories(a.resolve("shelves/mac/tools"));
    byte[] bin = new byte[200_000];
    new java.util.Random(7).nextBytes(bin);
    bin[0] = 0;
    Files.write(a.resolve("shelves/mac/tools/App.pkg"), bin);
    Files.writeString(a.resolve("shelves/mac/tools/notes.txt"), "notes\n");
    Files.writeString(a.resolve("pantri.toml"),
        "[default]\nstorage_url = \"" + tmp.resolve("store") + "\"\n", StandardCharsets.UTF_8);
    Out s = bare(a, pantri, "store", "-q");
    assertThat(s.code()).as(s.toString()).isZero();
    assertThat(a.resolve("shelves/mac/tools/App.pkg.pitem")).isRegularFile();
    List<String[]> git = new ArrayList<>();
    git.add(new String[] {"git", "add", "-A"});
    git.add(new String[] {"git", "-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "-q", "-m", "p"});
    git.add(new String[] {"git", "push", "-q", remote.toString(), "HEAD:main"});
    for (String[] g : git) {
      Out o = run(a, g);
      assertThat(o.code()).as(String.join(" ", g) + o).isZero();
    }
    Path b = tmp.resolve("b");
    assertThat(run(tmp, "git", "clone", "-q", "-b", "main", remote.toString(), b.toString()).code()).isZero();
    Path dest = tmp.resolve("dest");
    Out r = bare(b, pantri, "retrieve", "-q", "-d", dest.toString()); // git pull too, with the bare PATH
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(Files.readAllBytes(dest.resolve("mac/tools/App.pkg"))).isEqualTo(bin);
    assertThat(dest.resolve("mac/tools/notes.txt")).hasContent("notes");
    Out again = bare(b, pantri, "retrieve", "-d", dest.toString());
    assertThat(again.code()).isZero();
    assertThat(again.stderr()).contains("already up to date");
  }

  @Test
  void theDebHoldsTheSameTreeUnderOpt() throws Exception {
    Path deb = DIST.resolve("pantri_" + VERSION + "_amd64.deb");
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/dpkg-deb")) || ci(), "no dpkg-deb");
    assertThat(deb).exists();
    Out info = run(tmp, "dpkg-deb", "--field", deb.toString(), "Package", "Version", "Architecture", "Depends");
    assertThat(info.stdout()).contains("Package: pantri", "Version: " + VERSION, "Architecture: amd64", "Depends: git");
    Out list = run(tmp, "dpkg-deb", "--contents", deb.toString());
    assertThat(list.code()).isZero();
    assertThat(list.stdout()).contains("./usr/bin/pantri -> ../../opt/pantri/bin/pantri", "./opt/pantri/runtime/bin/java",
        "./opt/pantri/lib/pantri.jar", "./usr/share/man/man1/pantri.1.gz",
        "./usr/share/bash-completion/completions/pantri").contains("root/root");
  }
}
