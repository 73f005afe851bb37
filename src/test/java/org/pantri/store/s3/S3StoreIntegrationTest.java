package org.pantri.store.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pantri.store.AuthException;
import org.pantri.store.MultipartStore.MultipartUpload;
import org.pantri.store.ObjectInfo;
import org.pantri.store.PutMeta;
import org.pantri.store.RetryableStoreException;
import org.pantri.store.StoreException;
import org.pantri.testsupport.TestServers;

/** S3Store against the real s3api: multipart resume after a crash, and the error messages. */
@Tag("s3")
class S3StoreIntegrationTest extends S3BucketTest {
  private static final long MIB = S3TestSupport.MIB;
  private static final String SECRET = "wrong-secret-do-not-print-7f3a9";

  private Path file(String name, int size, long seed) throws Exception {
    return org.pantri.testsupport.RandomFiles.write(tmp, name, size, seed);
  }

  private static PutMeta meta(Path p, long mtime) throws Exception {
    byte[] b = Files.readAllBytes(p);
    return new PutMeta(b.length, mtime,
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b)));
  }

  private static byte[] read(S3Store s, String key) throws Exception {
    try (InputStream in = s.open(key, 0)) {
      return in.readAllBytes();
    }
  }

  private S3Store store(long segment) throws Exception {
    S3Store s = new S3Store(S3TestSupport.settings(bucket, segment));
    s.prepare();
    return s;
  }

  @Test
  void multipartResumesAfterACrash() throws Exception {
    int part = (int) (5 * MIB);
    Path f = file("big.bin", 2 * part + 12_345, 7);
    PutMeta m = meta(f, 1_700_000_123L);
    String key = "pkgs/big one.bin";

    S3Store first = store(5 * MIB);
    MultipartUpload up = first.startMultipart(key, m);
    assertThat(up.storedParts()).isEmpty();
    String etag2 = up.putPart(2, f, part, part).etag();
    // the bookkeeping marker never shows up as a repository object
    assertThat(first.list("")).isEmpty();
    first.close(); // "crash": no complete, no abort

    try (S3Store second = store(5 * MIB)) {
      // other content under the same key must not pick up the stored part
      Path other = file("other.bin", 2 * part + 12_345, 8);
      assertThat(second.startMultipart(key, meta(other, 1)).storedParts()).isEmpty();

      MultipartUpload again = second.startMultipart(key, m);
      Map<Integer, String> stored = again.storedParts();
      assertThat(stored).containsOnlyKeys(2).containsEntry(2, etag2);
      Map<Integer, String> parts = new TreeMap<>(stored);
      parts.put(1, again.putPart(1, f, 0, part).etag());
      parts.put(3, again.putPart(3, f, 2L * part, Files.size(f) - 2L * part).etag());
      again.complete(parts);

      assertThat(read(second, key)).isEqualTo(Files.readAllBytes(f));
      ObjectInfo info = second.stat(key).orElseThrow();
      assertThat(info.size()).isEqualTo(Files.size(f));
      assertThat(info.mtimeSeconds()).isEqualTo(1_700_000_123L);
      assertThat(raw.headObject(r -> r.bucket(bucket).key(key)).metadata())
          .containsEntry("sha256", m.sha256());
      // the marker of the completed upload is gone
      assertThat(second.list(S3Store.MARKER_PREFIX)).hasSize(1); // the "other" upload's
    }
  }

  @Test
  void storedPartsOfAnotherSplitAreNotReused() throws Exception {
    int part = (int) (5 * MIB);
    Path f = file("big.bin", 2 * part + 10, 9);
    PutMeta m = meta(f, 1);
    try (S3Store five = store(5 * MIB)) {
      five.startMultipart("k.bin", m).putPart(2, f, part, part).etag();
    }
    try (S3Store six = store(6 * MIB)) {
      // part 2 of a 6 MiB split is not the 5 MiB part stored earlier
      assertThat(six.startMultipart("k.bin", m).storedParts()).isEmpty();
    }
  }

  @Test
  void partNumbersBeyondTheServerLimitAreRefused() throws Exception {
    Path f = file("s.bin", 10, 1);
    try (S3Store s = store(5 * MIB)) {
      MultipartUpload up = s.startMultipart("x.bin", meta(f, 1));
      assertThatThrownBy(() -> up.putPart(1001, f, 0, 10).etag())
          .isInstanceOf(StoreException.class).hasMessageContaining("1..1000");
      up.abort();
    }
  }

  @Test
  void wrongSecretIsAnAuthErrorWithoutTheSecret() throws Exception {
    Map<String, String> env = S3TestSupport.testerEnv();
    env.put("AWS_SECRET_ACCESS_KEY", SECRET);
    S3Store s = new S3Store(
        S3TestSupport.settings(TestServers.S3_ENDPOINT, bucket, 0, env, Map.of()));
    Throwable t = catchThrowable(s::prepare);
    s.close();
    assertThat(t).isInstanceOf(AuthException.class)
        .hasMessageContaining("credentials").hasMessageContaining("AWS_SECRET_ACCESS_KEY");
    assertThat(t.getMessage()).doesNotContain(SECRET);
  }

  @Test
  void missingCredentialsAreAnAuthError() throws Exception {
    for (String v : new String[] {"AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI"}) {
      assumeTrue(System.getenv(v) == null, "the test JVM's environment has " + v);
    }
    assumeTrue(System.getProperty("aws.accessKeyId") == null);
    Map<String, String> saved = new HashMap<>();
    Map<String, String> props = Map.of(
        "aws.sharedCredentialsFile", tmp.resolve("no-such-credentials").toString(),
        "aws.configFile", tmp.resolve("no-such-config").toString(),
        "aws.disableEc2Metadata", "true");
    props.keySet().forEach(k -> saved.put(k, System.getProperty(k)));
    try {
      props.forEach(System::setProperty);
      S3Store s = new S3Store(
          S3TestSupport.settings(TestServers.S3_ENDPOINT, bucket, 0, Map.of(), Map.of()));
      assertThatThrownBy(s::prepare).isInstanceOf(AuthException.class)
          .hasMessageContaining("no AWS credentials")
          .hasMessageContaining("AWS_ACCESS_KEY_ID")
          .hasMessageContaining("AWS_PROFILE");
      s.close();
    } finally {
      saved.forEach((k, v) -> {
        if (v == null) {
          System.clearProperty(k);
        } else {
          System.setProperty(k, v);
        }
      });
    }
  }

  @Test
  void unreachableEndpointFailsFastNamingIt() throws Exception {
    int port;
    try (ServerSocket ss = new ServerSocket(0)) {
      port = ss.getLocalPort();
    }
    String endpoint = "http://127.0.0.1:" + port;
    S3Store s = new S3Store(S3TestSupport.settings(endpoint, bucket, 0,
        S3TestSupport.testerEnv(), Map.of("s3_connect_timeout", "2")));
    long t0 = System.nanoTime();
    Throwable t = catchThrowable(s::prepare);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    s.close();
    assertThat(t).isInstanceOf(RetryableStoreException.class)
        .hasMessageContaining(endpoint).hasMessageContaining("cannot connect");
    assertThat(ms).isLessThan(5_000);
  }

  @Test
  void missingBucketThatMayNotBeCreatedIsExplained() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("AWS_ACCESS_KEY_ID", "test:tester3"); // tempauth user without .admin
    env.put("AWS_SECRET_ACCESS_KEY", "testing3");
    S3Store s = new S3Store(
        S3TestSupport.settings(TestServers.S3_ENDPOINT, bucket, 0, env, Map.of()));
    Throwable t = catchThrowable(s::prepare);
    s.close();
    // s3api answers a non-admin 403 for a missing bucket too, so the message names both cases
    assertThat(t).isInstanceOf(StoreException.class).isNotInstanceOf(AuthException.class)
        .hasMessageContaining("bucket '" + bucket + "'")
        .hasMessageContaining("does not exist and these credentials may not create it");
    assertThat(raw.listBuckets().buckets()).noneMatch(b -> b.name().equals(bucket));
  }

  @Test
  void existingBucketWithoutPermissionIsAnAccessError() throws Exception {
    raw.createBucket(r -> r.bucket(bucket));
    Map<String, String> env = new HashMap<>();
    env.put("AWS_ACCESS_KEY_ID", "test:tester3");
    env.put("AWS_SECRET_ACCESS_KEY", "testing3");
    S3Store s = new S3Store(
        S3TestSupport.settings(TestServers.S3_ENDPOINT, bucket, 0, env, Map.of()));
    Throwable t = catchThrowable(s::prepare);
    s.close();
    assertThat(t).isInstanceOf(StoreException.class).isNotInstanceOf(AuthException.class)
        .hasMessageContaining("access denied to bucket '" + bucket + "'");
  }

  @Test
  void openAtTheEndOfAnObjectReadsNothing() throws Exception {
    Path f = file("e.bin", 1000, 3);
    try (S3Store s = store(0)) {
      s.put("e.bin", f, meta(f, 1));
      try (InputStream in = s.open("e.bin", 1000)) {
        assertThat(in.readAllBytes()).isEmpty();
      }
    }
  }
}
