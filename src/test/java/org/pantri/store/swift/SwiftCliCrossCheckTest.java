package org.pantri.store.swift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pantri.store.MultipartStore;
import org.pantri.store.ObjectInfo;
import org.pantri.store.PutMeta;
import org.pantri.testsupport.TestServers;

/**
 * Cross-checks with an independent client, python-swiftclient's {@code swift} CLI: what we store
 * it reads back byte for byte (plain objects and SLOs), and what it uploads we read.
 */
@Tag("swift")
class SwiftCliCrossCheckTest {
  private static final Path SWIFT_CLI = Path.of("/usr/bin/swift");
  @TempDir Path dir;
  private SwiftStore store;
  private String container;

  @BeforeAll
  static void server() {
    TestServers.requireSwift();
    assumeTrue(Files.isExecutable(SWIFT_CLI), "python3-swiftclient is not installed");
  }

  @BeforeEach
  void open() throws Exception {
    container = SwiftTestEnv.unique("pantri-cli");
    store = new SwiftStore(SwiftTestEnv.settings(dir.resolve("creds"), container, SwiftTestEnv.v1Env()));
    store.prepare();
  }

  @AfterEach
  void cleanup() {
    SwiftTestEnv.cleanup(store);
  }

  private String swift(Path cwd, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(SWIFT_CLI.toString(), "-A", TestServers.SWIFT_AUTH,
        "-U", TestServers.SWIFT_USER, "-K", TestServers.SWIFT_KEY));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("OS_") || k.startsWith("ST_"));
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("swift %s: %s", String.join(" ", args), out).isZero();
    return out;
  }

  private Path randomFile(String name, int size, long seed) throws IOException {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    return Files.write(p, b);
  }

  private static PutMeta meta(Path f, long mtime) throws Exception {
    byte[] b = Files.readAllBytes(f);
    return new PutMeta(b.length, mtime, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b)));
  }

  @Test
  void whatWeStoreTheSwiftCliListsAndDownloadsIdentically() throws Exception {
    Path small = randomFile("in/small.bin", 123_456, 1);
    String plainKey = "mac/Café Tools/a?b#c%d v1.pkg";
    store.put(plainKey, small, meta(small, 1_500_000_000L));

    int part = (int) store.partSize();
    Path big = randomFile("in/big.bin", 2 * part + 4321, 2);
    PutMeta bigMeta = meta(big, 1_600_000_000L);
    MultipartStore.MultipartUpload up = store.startMultipart("win/big.msi", bigMeta);
    Map<Integer, String> parts = new TreeMap<>();
    for (int i = 1; i <= 3; i++) {
      long off = (long) (i - 1) * part;
      parts.put(i, up.putPart(i, big, off, Math.min(part, Files.size(big) - off)).etag());
    }
    up.complete(parts);

    assertThat(swift(dir, "list", container).lines()).containsExactly(plainKey, "win/big.msi");
    Path out = Files.createDirectories(dir.resolve("out"));
    swift(out, "download", container, plainKey, "-o", "plain.out");
    swift(out, "download", container, "win/big.msi", "-o", "big.out");
    assertThat(Files.readAllBytes(out.resolve("plain.out"))).isEqualTo(Files.readAllBytes(small));
    assertThat(Files.readAllBytes(out.resolve("big.out"))).isEqualTo(Files.readAllBytes(big));

    String stat = swift(dir, "stat", container, "win/big.msi");
    assertThat(stat).contains("X-Static-Large-Object: True").containsIgnoringCase("Meta Mtime: 1600000000.000000")
        .contains("Meta Sha256: " + bigMeta.sha256());
    // the SLO's segments sit in the segment container under the deterministic names
    assertThat(swift(dir, "list", store.segmentContainer()).lines())
        .containsExactly(container + "/win/big.msi/slo/" + bigMeta.sha256() + "/" + part + "/00000001",
            container + "/win/big.msi/slo/" + bigMeta.sha256() + "/" + part + "/00000002",
            container + "/win/big.msi/slo/" + bigMeta.sha256() + "/" + part + "/00000003");
    // the listing reports an SLO's total size, not its manifest's
    assertThat(store.list("win/")).extracting(ObjectInfo::size).containsExactly(Files.size(big));
    // a second upload of the same content finds all three segments
    assertThat(store.startMultipart("win/big.msi", bigMeta).storedParts()).isEqualTo(parts);
  }

  @Test
  void whatTheSwiftCliUploadsWeReadWithItsMtime() throws Exception {
    Path shelves = dir.resolve("shelves");
    Path f = randomFile("shelves/mac/tools/Tool 2.pkg", 77_777, 3);
    Files.setLastModifiedTime(f, FileTime.fromMillis(1_500_000_000_000L + 250));
    swift(shelves, "upload", container, "mac/tools/Tool 2.pkg");

    ObjectInfo info = store.stat("mac/tools/Tool 2.pkg").orElseThrow();
    assertThat(info.size()).isEqualTo(77_777);
    assertThat(info.mtimeSeconds()).isEqualTo(1_500_000_000L);
    try (var in = store.open("mac/tools/Tool 2.pkg", 0)) {
      assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(f));
    }
    assertThat(store.list("mac/")).extracting(ObjectInfo::key).containsExactly("mac/tools/Tool 2.pkg");

    // and an SLO made by the CLI streams as one object, also from an offset
    Path big = randomFile("shelves/big/b.dmg", 2_500_000, 4);
    swift(shelves, "upload", "--use-slo", "--segment-size", "1000000", container, "big/b.dmg");
    byte[] all = Files.readAllBytes(big);
    try (var in = store.open("big/b.dmg", 1_234_567)) {
      assertThat(in.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(all, 1_234_567, all.length));
    }
    assertThat(store.stat("big/b.dmg").orElseThrow().size()).isEqualTo(2_500_000);
    // python-swiftclient put the CLI's segments into "<container>_segments"; clean those too
    SwiftTestEnv.cleanup(new SwiftStore(SwiftTestEnv.settings(dir.resolve("creds"), container + "_segments",
        SwiftTestEnv.v1Env())));
  }
}
