package org.pantri.store.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pantri.store.MultipartStore.MultipartUpload;
import org.pantri.store.PutMeta;
import org.pantri.testsupport.TestServers;

/**
 * What S3Store writes is what independent S3 clients (s3cmd, rclone from Debian's packages) read,
 * and the other way round, including multipart objects. Catches mistakes a test using the same
 * SDK on both sides would hide (key encoding, metadata, part assembly).
 */
@Tag("s3")
class S3CrossToolTest extends S3BucketTest {
  private static final long MIB = S3TestSupport.MIB;
  private S3Store store;

  @BeforeEach
  void open() throws Exception {
    store = new S3Store(S3TestSupport.settings(bucket, 5 * MIB));
    store.prepare();
  }

  @AfterEach
  void drop() {
    if (store != null) {
      store.close();
    }
  }

  /** Fails under CI, skips elsewhere, when the tool is not installed. */
  private static void requireTool(String name, String aptPackage) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
        return;
      }
    }
    String msg = name + " is not installed (apt-get install " + aptPackage + ")";
    if (TestServers.inCi()) {
      fail(msg);
    }
    assumeTrue(false, msg);
  }

  private String run(Map<String, String> env, String... cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    // Set in this sandbox for Python/Go tools; rclone's s3 backend fails with it.
    pb.environment().remove("AWS_CA_BUNDLE");
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    byte[] out;
    try (InputStream in = p.getInputStream()) {
      out = in.readAllBytes();
    }
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(String.join(" ", cmd) + " timed out");
    }
    String text = new String(out, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as("%s\n%s", String.join(" ", cmd), text).isZero();
    return text;
  }

  private Path file(String name, int size, long seed) throws Exception {
    return org.pantri.testsupport.RandomFiles.write(tmp, name, size, seed);
  }

  private static PutMeta meta(Path p) throws Exception {
    byte[] b = Files.readAllBytes(p);
    return new PutMeta(b.length, 1_650_000_000L,
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b)));
  }

  /** Uploads {@code f} with S3Store in 5 MiB parts, the way the transfer engine will. */
  private void putMultipart(String key, Path f) throws Exception {
    long size = Files.size(f);
    long part = store.partSize(size);
    MultipartUpload up = store.startMultipart(key, meta(f));
    Map<Integer, String> parts = new TreeMap<>();
    int n = 1;
    for (long off = 0; off < size; off += part, n++) {
      parts.put(n, up.putPart(n, f, off, Math.min(part, size - off)).etag());
    }
    assertThat(parts).hasSizeGreaterThan(1);
    up.complete(parts);
  }

  private byte[] readStore(String key, long offset) throws Exception {
    try (InputStream in = store.open(key, offset)) {
      return in.readAllBytes();
    }
  }

  private Path s3cmdConfig() throws Exception {
    URI e = URI.create(TestServers.S3_ENDPOINT);
    String hostPort = e.getHost() + ":" + e.getPort();
    Path cfg = tmp.resolve("s3cfg");
    Files.writeString(cfg, String.join("\n",
        "[default]",
        "access_key = " + TestServers.S3_ACCESS_KEY,
        "secret_key = " + TestServers.S3_SECRET_KEY,
        "host_base = " + hostPort,
        "host_bucket = " + hostPort,
        "use_https = " + ("https".equals(e.getScheme()) ? "True" : "False"),
        "bucket_location = " + TestServers.S3_REGION,
        "signature_v2 = False",
        ""));
    return cfg;
  }

  @Test
  void s3cmdReadsWhatS3StoreWroteAndViceVersa() throws Exception {
    requireTool("s3cmd", "s3cmd");
    String cfg = s3cmdConfig().toString();
    Path small = file("small.bin", 300_000, 1);
    Path big = file("big.bin", (int) (11 * MIB + 777), 2);
    store.put("pkgs/small file.bin", small, meta(small));
    putMultipart("pkgs/big.bin", big);

    String ls = run(Map.of(), "s3cmd", "-c", cfg, "ls", "s3://" + bucket + "/pkgs/");
    assertThat(ls).contains("s3://" + bucket + "/pkgs/small file.bin")
        .contains("s3://" + bucket + "/pkgs/big.bin")
        .contains(Long.toString(Files.size(big)));
    for (String[] kv : new String[][] {{"pkgs/small file.bin", "small.bin"}, {"pkgs/big.bin", "big.bin"}}) {
      Path got = tmp.resolve("got-" + kv[1]);
      run(Map.of(), "s3cmd", "-c", cfg, "--force", "get", "s3://" + bucket + "/" + kv[0],
          got.toString());
      assertThat(Files.readAllBytes(got)).as(kv[0]).isEqualTo(Files.readAllBytes(tmp.resolve(kv[1])));
    }

    Path theirsBig = file("theirs-big.bin", (int) (12 * MIB + 5), 3);
    Path theirsSmall = file("theirs small.bin", 4321, 4);
    run(Map.of(), "s3cmd", "-c", cfg, "--multipart-chunk-size-mb=5", "put", theirsBig.toString(),
        "s3://" + bucket + "/up/theirs-big.bin");
    run(Map.of(), "s3cmd", "-c", cfg, "put", theirsSmall.toString(),
        "s3://" + bucket + "/up/theirs small.bin");
    assertThat(raw.headObject(r -> r.bucket(bucket).key("up/theirs-big.bin")).eTag())
        .as("s3cmd made a multipart object").contains("-");
    assertThat(store.list("up/")).extracting(i -> i.key() + "=" + i.size())
        .containsExactlyInAnyOrder("up/theirs-big.bin=" + Files.size(theirsBig),
            "up/theirs small.bin=4321");
    assertThat(store.stat("up/theirs-big.bin").orElseThrow().mtimeSeconds()).isEqualTo(-1);
    assertThat(readStore("up/theirs-big.bin", 0)).isEqualTo(Files.readAllBytes(theirsBig));
    assertThat(readStore("up/theirs small.bin", 0)).isEqualTo(Files.readAllBytes(theirsSmall));
    byte[] all = Files.readAllBytes(theirsBig);
    assertThat(readStore("up/theirs-big.bin", 6 * MIB))
        .isEqualTo(java.util.Arrays.copyOfRange(all, (int) (6 * MIB), all.length));
  }

  @Test
  void rcloneReadsWhatS3StoreWroteAndViceVersa() throws Exception {
    requireTool("rclone", "rclone");
    Map<String, String> env = new java.util.HashMap<>(Map.of(
        "RCLONE_CONFIG", tmp.resolve("rclone.conf").toString(),
        "RCLONE_CONFIG_PS3_TYPE", "s3",
        "RCLONE_CONFIG_PS3_PROVIDER", "Other",
        "RCLONE_CONFIG_PS3_ACCESS_KEY_ID", TestServers.S3_ACCESS_KEY,
        "RCLONE_CONFIG_PS3_SECRET_ACCESS_KEY", TestServers.S3_SECRET_KEY,
        "RCLONE_CONFIG_PS3_ENDPOINT", TestServers.S3_ENDPOINT,
        "RCLONE_CONFIG_PS3_REGION", TestServers.S3_REGION,
        "RCLONE_CONFIG_PS3_FORCE_PATH_STYLE", "true"));
    Path small = file("small.bin", 123_456, 5);
    Path big = file("big.bin", (int) (10 * MIB + 1), 6);
    store.put("a/small.bin", small, meta(small));
    putMultipart("a/Café big.bin", big);

    String lsf = run(env, "rclone", "lsl", "ps3:" + bucket + "/a");
    assertThat(lsf).contains("small.bin").contains("Café big.bin")
        .doesNotContain(".pantri-mpu");
    List<String[]> pairs = new ArrayList<>();
    pairs.add(new String[] {"a/small.bin", "small.bin"});
    pairs.add(new String[] {"a/Café big.bin", "big.bin"});
    for (String[] kv : pairs) {
      Path got = tmp.resolve("rc-" + kv[1]);
      run(env, "rclone", "copyto", "ps3:" + bucket + "/" + kv[0], got.toString());
      assertThat(Files.readAllBytes(got)).as(kv[0]).isEqualTo(Files.readAllBytes(tmp.resolve(kv[1])));
    }

    Path theirs = file("theirs.bin", 777_777, 7);
    run(env, "rclone", "copyto", theirs.toString(), "ps3:" + bucket + "/b/theirs.bin");
    assertThat(readStore("b/theirs.bin", 0)).isEqualTo(Files.readAllBytes(theirs));
    assertThat(store.stat("b/theirs.bin").orElseThrow().size()).isEqualTo(777_777);
  }
}
