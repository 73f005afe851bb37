package org.pantri.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.pantri.pitem.Pitem;
import org.pantri.pitem.PitemCodec;
import org.pantri.repo.Layout;
import org.pantri.scan.Hasher;
import org.pantri.testsupport.FaultProxy;
import org.pantri.testsupport.Pantri;
import org.pantri.testsupport.RepoFixture;
import org.pantri.testsupport.SwiftDirect;
import org.pantri.testsupport.TestServers;

/**
 * store and retrieve through the CLI against the real Swift server, with a {@link FaultProxy} in
 * between that injects the failures of real networks and servers. What is really stored is
 * checked directly on the server ({@link SwiftDirect}), never through the proxy.
 */
@Tag("swift")
class SwiftFaultTest {
  private static final int SEGMENT = 1 << 20;
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Any object-level request (not a container or account one) in any container. */
  private static final String ANY_OBJECT = "^/v1/[^/]+/[^/?]+/[^?]";

  @TempDir Path tmp;
  private String container;
  private String segments;
  private FaultProxy proxy;
  private SwiftDirect swift;

  @BeforeEach
  void setUp() throws Exception {
    TestServers.requireSwift();
    container = "fault-" + UUID.randomUUID().toString().substring(0, 8);
    segments = container + "_segments";
    proxy = FaultProxy.start(TestServers.SWIFT_AUTH);
    swift = new SwiftDirect();
  }

  @AfterEach
  void tearDown() {
    if (proxy != null) {
      proxy.close();
    }
    if (swift != null) {
      swift.deleteContainer(container);
      swift.deleteContainer(segments);
    }
  }

  // ------------------------------------------------------------------ set-up helpers

  /** A repo whose config sends Pantri to Swift through the proxy. */
  private RepoFixture fixture(String extraConfig) throws Exception {
    RepoFixture f = new RepoFixture(tmp);
    String auth = proxy.via(TestServers.SWIFT_AUTH);
    Files.writeString(f.author.resolve("pantri.toml"), "[default]\nobject_store = \"swift\"\n"
        + "auth_url = \"" + auth + "\"\nobject_store_container = \"" + container + "\"\n"
        + "segment_container = \"" + segments + "\"\nsegment_size = " + SEGMENT + "\n" + extraConfig);
    f.pantri.git(f.author, "add", "pantri.toml");
    f.pantri.git(f.author, "commit", "-q", "-m", "swift config");
    f.pantri.git(f.author, "push", "-q");
    f.pantri.env("ST_AUTH", auth).env("ST_USER", TestServers.SWIFT_USER).env("ST_KEY", TestServers.SWIFT_KEY);
    return f;
  }

  private static final String BIG = "mac/big.dmg";

  /** Six small packages, one SLO of three segments (the last one short) and a text file. */
  private static void packages(RepoFixture f) throws IOException {
    for (int i = 0; i < 6; i++) {
      f.binary((i % 2 == 0 ? "mac/" : "win/") + "pkg" + i + ".pkg", 20_000 + 7_919 * i, i);
    }
    f.binary(BIG, 2 * SEGMENT + 300_000, 100);
    f.text("mac/postinstall.sh", "#!/bin/sh\necho hi\n");
  }

  private static String key(RepoFixture f, String rel) throws IOException {
    return Layout.CONTENT.key(rel, Hasher.hash(f.author.resolve("shelves").resolve(rel)).sha256());
  }

  private String objectOf(RepoFixture f, String rel) throws IOException {
    return FaultProxy.object(container, key(f, rel));
  }

  /** PUTs of whole objects (not SLO segments, not manifests). */
  private FaultProxy.Rule objectPuts() {
    return proxy.on("PUT", FaultProxy.objectsIn(container)).when(r -> !r.target().contains("multipart-manifest"));
  }

  private String segmentPut(int n) {
    return "^/v1/[^/]+/" + Pattern.quote(segments) + "/.*/" + String.format("%08d", n) + "$";
  }

  // ------------------------------------------------------------------ checks

  /**
   * Every pitem in the author's shelves names an object that exists on the server with exactly
   * the file's content; returns how many pitems there are.
   */
  private int assertPitemsPointToExactObjects(RepoFixture f) throws Exception {
    Path shelves = f.author.resolve("shelves");
    Map<String, Pitem> pitems = f.pitems();
    for (Map.Entry<String, Pitem> e : pitems.entrySet()) {
      String binary = e.getKey();
      String sha = e.getValue().sha256();
      assertThat(swift.sha256(container, Layout.CONTENT.key(binary, sha)))
          .as("object of " + binary + " on the server").isEqualTo(sha);
      if (Files.exists(shelves.resolve(binary))) {
        assertThat(Hasher.hash(shelves.resolve(binary)).sha256()).as(binary).isEqualTo(sha);
      }
    }
    return pitems.size();
  }

  private static void assertNoTempFiles(Path dir) throws IOException {
    assertThat(RepoFixture.noTempFiles(dir)).as("no .pantri-tmp file under " + dir).isTrue();
  }

  /** What DEST must hold when every file but {@code missing} arrived. */
  private static Map<String, String> expectedWithout(RepoFixture f, String... missing) throws IOException {
    Map<String, String> m = new TreeMap<>(f.expectedDest());
    for (String x : missing) {
      assertThat(m.remove(x)).as(x).isNotNull();
    }
    return m;
  }

  /**
   * Exactly one successful, unfaulted request per object: no object was transferred twice. (A
   * request answered 401 is not one: another test on the shared server may invalidate the token.)
   * With a short timeout a loaded server may be slower than it, and a request answered after the
   * client gave up is sent again: then at least one.
   */
  private void assertOneCleanRequestPerObject(String method, RepoFixture f, List<String> rels, boolean atLeast)
      throws IOException {
    for (String rel : rels) {
      long clean = proxy.requests(method, objectOf(f, rel)).stream()
          .filter(r -> r.fault() == null && r.status() / 100 == 2).count();
      String what = method + " of " + rel + " in " + proxy.requests(method, objectOf(f, rel));
      if (atLeast) {
        assertThat(clean).as(what).isPositive();
      } else {
        assertThat(clean).as(what).isEqualTo(1);
      }
    }
  }

  private static final List<String> BINARIES =
      List.of("mac/pkg0.pkg", "win/pkg1.pkg", "mac/pkg2.pkg", "win/pkg3.pkg", "mac/pkg4.pkg", "win/pkg5.pkg", BIG);

  // ------------------------------------------------------------------ transient faults

  enum Fault {
    HTTP_503_500_408,
    HTTP_429_WITH_RETRY_AFTER,
    SLOWER_THAN_THE_TIMEOUT,
    CONNECTIONS_DROPPED_MID_BODY,
    SLO_SEGMENT_FAULTS_AND_TRUNCATED_GET,
    BYTES_FLIPPED_IN_TRANSIT,
    AUTH_AND_METADATA_REQUESTS
  }

  @ParameterizedTest
  @EnumSource(Fault.class)
  void transientFaultIsSurvivedWithExactResults(Fault fault) throws Exception {
    boolean slow = fault == Fault.SLOWER_THAN_THE_TIMEOUT;
    RepoFixture f = fixture(slow ? "swift_timeout = 3\n" : "");
    packages(f);
    String big = objectOf(f, BIG);
    String gets = FaultProxy.objectsIn(container);
    Map<FaultProxy.Rule, Integer> rules = new HashMap<>();
    switch (fault) {
      case HTTP_503_500_408 -> {
        rules.put(objectPuts().times(2).status(503), 2);
        rules.put(objectPuts().status(500), 1);
        rules.put(objectPuts().status(408), 1);
      }
      case HTTP_429_WITH_RETRY_AFTER -> rules.put(objectPuts().times(1).status(429, "1"), 1);
      case SLOWER_THAN_THE_TIMEOUT -> rules.put(objectPuts().times(1).delay(Duration.ofMillis(4500)), 1);
      case CONNECTIONS_DROPPED_MID_BODY -> rules.put(objectPuts().times(2).dropRequestAfter(8_000), 2);
      case SLO_SEGMENT_FAULTS_AND_TRUNCATED_GET -> {
        rules.put(proxy.on("PUT", segmentPut(2)).status(503), 1);
        rules.put(proxy.on("PUT", segmentPut(3)).dropRequestAfter(100_000), 1);
        rules.put(proxy.on("PUT", big).when(r -> r.target().contains("multipart-manifest=put")).status(500), 1);
      }
      // Swift stores what it received; the ETag check must catch it, remove it and upload again
      case BYTES_FLIPPED_IN_TRANSIT -> rules.put(objectPuts().times(1).corruptRequestAt(1000), 1);
      case AUTH_AND_METADATA_REQUESTS -> {
        rules.put(proxy.on("GET", FaultProxy.AUTH).status(503), 1);
        rules.put(proxy.on("HEAD", FaultProxy.container(container)).times(2).status(503), 2);
        rules.put(proxy.on("HEAD", FaultProxy.objectsIn(container)).times(2).status(500), 2);
      }
    }
    Pantri.Out s = f.store();
    assertThat(s.code()).as(s.toString()).isZero();
    assertThat(assertPitemsPointToExactObjects(f)).isEqualTo(7);
    assertOneCleanRequestPerObject("PUT", f, BINARIES, slow);
    f.commitAndPush("packages");

    switch (fault) {
      case HTTP_503_500_408 -> {
        rules.put(proxy.on("GET", gets).times(2).status(503), 2);
        rules.put(proxy.on("GET", gets).status(500), 1);
        rules.put(proxy.on("GET", gets).status(408), 1);
      }
      case HTTP_429_WITH_RETRY_AFTER -> rules.put(proxy.on("GET", gets).times(1).status(429, "1"), 1);
      case SLOWER_THAN_THE_TIMEOUT -> rules.put(proxy.on("GET", gets).times(1).delay(Duration.ofMillis(4500)), 1);
      case CONNECTIONS_DROPPED_MID_BODY -> {
        rules.put(proxy.on("GET", big).dropResponseAfter(500_000), 1);
        String bigKey = key(f, BIG);
        rules.put(proxy.on("GET", gets).when(x -> !x.target().endsWith(bigKey)).dropResponseAfter(0), 1);
      }
      case SLO_SEGMENT_FAULTS_AND_TRUNCATED_GET -> rules.put(proxy.on("GET", big).truncateAfter(1_500_000), 1);
      case BYTES_FLIPPED_IN_TRANSIT -> rules.put(proxy.on("GET", gets).times(1).corruptAt(1000), 1);
      case AUTH_AND_METADATA_REQUESTS -> {
        rules.put(proxy.on("GET", FaultProxy.AUTH).status(503), 1);
        rules.put(proxy.on("HEAD", FaultProxy.container(container)).times(2).status(503), 2);
      }
    }
    Pantri.Out r = f.retrieve();
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(RepoFixture.tree(f.dest)).isEqualTo(f.expectedDest());
    assertNoTempFiles(f.dest);
    assertOneCleanRequestPerObject("GET", f, BINARIES, slow);
    rules.forEach((rule, n) -> assertThat(rule.hits()).as(rule + "\n" + proxy.requests()).isEqualTo(n));

    if (slow) {
      // pantri gave up on each held request after swift_timeout and sent it again meanwhile
      for (FaultProxy.Request held : proxy.requests().stream().filter(x -> x.fault() != null).toList()) {
        assertThat(proxy.requests().stream().filter(x -> x.fault() == null && x.method().equals(held.method())
            && x.path().equals(held.path()) && x.nanos() > held.nanos()
            && x.nanos() - held.nanos() < Duration.ofMillis(4500).toNanos())).as(held.toString()).isNotEmpty();
      }
    }
    if (fault == Fault.BYTES_FLIPPED_IN_TRANSIT) {
      FaultProxy.Request damaged = proxy.requests().stream()
          .filter(x -> x.fault() == FaultProxy.Kind.CORRUPT_REQUEST).findFirst().orElseThrow();
      assertThat(proxy.requests("DELETE", Pattern.quote(damaged.path()) + "$")).as("damaged object removed")
          .isNotEmpty();
    }
    if (fault == Fault.HTTP_429_WITH_RETRY_AFTER) {
      // Retry-After: 1 was honoured: the default first backoff is at most 250 ms
      for (FaultProxy.Request limited : proxy.requests().stream().filter(x -> x.fault() != null).toList()) {
        FaultProxy.Request next = proxy.requests().stream()
            .filter(x -> x.method().equals(limited.method()) && x.path().equals(limited.path())
                && x.nanos() > limited.nanos())
            .findFirst().orElseThrow();
        assertThat(Duration.ofNanos(next.nanos() - limited.nanos())).as(limited.toString())
            .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
      }
    }
  }

  @Test
  void downloadCutMidBodyResumesWithRangedGetsAndVerifiesTheWholeFile() throws Exception {
    RepoFixture f = fixture("");
    f.binary(BIG, 3 * SEGMENT + 4321, 7);
    f.binary("mac/small.pkg", 30_000, 8);
    assertThat(f.store().code()).isZero();
    f.commitAndPush("big");
    String big = objectOf(f, BIG);
    proxy.on("GET", big).truncateAfter(1_000_000);
    proxy.on("GET", big).when(x -> x.header("range") != null).dropResponseAfter(700_000);

    Pantri.Out r = f.retrieve();
    assertThat(r.code()).as(r.toString()).isZero();
    List<FaultProxy.Request> got = proxy.requests("GET", big).stream().filter(x -> !x.tokenRejected()).toList();
    assertThat(got).as(got.toString()).hasSize(3);
    assertThat(got.get(0).header("range")).isNull();
    // Each resume starts where the kept bytes end. The JDK client may drop the last bytes it had
    // buffered when the connection fails, so "where the cut was" is an upper bound, not exact.
    long first = rangeStart(got.get(1));
    assertThat(first).isGreaterThan(900_000).isLessThanOrEqualTo(1_000_000);
    long second = rangeStart(got.get(2));
    assertThat(second).isGreaterThan(first).isLessThanOrEqualTo(first + 700_000);

    Path out = f.dest.resolve(BIG);
    assertThat(out).hasSameBinaryContentAs(f.author.resolve("shelves").resolve(BIG));
    Pitem pi = PitemCodec.read(f.author.resolve("shelves/" + BIG + ".pitem"), BIG);
    assertThat(Hasher.hash(out).sha256()).isEqualTo(pi.sha256());
    assertThat(RepoFixture.tree(f.dest)).isEqualTo(f.expectedDest());
    try (Stream<Path> partial = Files.list(f.dest.resolve(".pantri/partial"))) {
      assertThat(partial).isEmpty();
    }
  }

  private static long rangeStart(FaultProxy.Request r) {
    assertThat(r.header("range")).as(r.toString()).matches("bytes=\\d+-");
    return Long.parseLong(r.header("range").replaceAll("\\D", ""));
  }

  // ------------------------------------------------------------------ persistent faults

  @Test
  void persistentDownloadFaultFailsThatObjectOnlyAndTheNextRetrieveFinishes() throws Exception {
    RepoFixture f = fixture("");
    packages(f);
    assertThat(f.store().code()).isZero();
    f.commitAndPush("packages");
    String victim = "win/pkg3.pkg";
    FaultProxy.Rule rule = proxy.on("GET", objectOf(f, victim)).always().status(503);

    Pantri.Out r = f.retrieve("--retries", "2", "--json");
    assertThat(r.code()).as(r.toString()).isEqualTo(1);
    JsonNode j = JSON.readTree(r.stdout());
    assertThat(j.path("failed")).as(r.toString()).hasSize(1);
    JsonNode failure = j.path("failed").get(0);
    assertThat(failure.path("path").asText()).isEqualTo(victim);
    assertThat(failure.path("error").asText()).startsWith(victim + ": ").contains("HTTP 503");
    assertThat(r.stderr()).contains("failed: " + victim + ": ");
    assertThat(j.path("retrieved").toString()).doesNotContain(victim);
    assertThat(rule.hits()).as("one attempt and two retries").isEqualTo(3);
    assertThat(f.dest.resolve(victim)).doesNotExist();
    assertThat(RepoFixture.tree(f.dest)).isEqualTo(expectedWithout(f, victim));
    assertNoTempFiles(f.dest);

    proxy.clear();
    Pantri.Out again = f.retrieve(); // not -f: the failed run must not count as synced
    assertThat(again.code()).as(again.toString()).isZero();
    assertThat(RepoFixture.tree(f.dest)).isEqualTo(f.expectedDest());
    assertThat(proxy.requests("GET", objectOf(f, victim)).stream().filter(x -> !x.tokenRejected()))
        .as("fetched again").hasSize(4);
    assertNoTempFiles(f.dest);
  }

  @Test
  void persistentUploadFaultLeavesNoPitemForThatFileAndTheRerunFinishes() throws Exception {
    RepoFixture f = fixture("");
    packages(f);
    String victim = "mac/pkg2.pkg";
    FaultProxy.Rule small = proxy.on("PUT", objectOf(f, victim)).always().status(503);
    FaultProxy.Rule segment = proxy.on("PUT", segmentPut(2)).always().dropRequestAfter(100_000);

    Pantri.Out s = f.store("--retries", "2", "--json");
    assertThat(s.code()).as(s.toString()).isEqualTo(1);
    JsonNode j = JSON.readTree(s.stdout());
    Map<String, String> errors = new TreeMap<>();
    j.path("failed").forEach(x -> errors.put(x.path("path").asText(), x.path("error").asText()));
    assertThat(errors.keySet()).as(s.toString()).containsExactly(BIG, victim);
    assertThat(errors.get(victim)).startsWith(victim + ": ").contains("HTTP 503");
    assertThat(errors.get(BIG)).startsWith(BIG + ": ").contains("segment 2");
    assertThat(small.hits()).isEqualTo(3);
    assertThat(segment.hits()).isEqualTo(3);
    // a pitem only for what was stored, and those point to exact objects
    assertThat(f.author.resolve("shelves/" + victim + ".pitem")).doesNotExist();
    assertThat(f.author.resolve("shelves/" + BIG + ".pitem")).doesNotExist();
    assertThat(assertPitemsPointToExactObjects(f)).isEqualTo(5);
    assertThat(swift.head(container, key(f, BIG))).as("no manifest").isEqualTo(404);

    proxy.clear();
    long firstSegmentPuts = proxy.requests("PUT", segmentPut(1)).stream().filter(x -> !x.tokenRejected()).count();
    Pantri.Out again = f.store();
    assertThat(again.code()).as(again.toString()).isZero();
    assertThat(assertPitemsPointToExactObjects(f)).isEqualTo(7);
    assertThat(proxy.requests("PUT", segmentPut(1)).stream().filter(x -> !x.tokenRejected()).count())
        .as("segment 1 resumed, not sent again").isEqualTo(firstSegmentPuts);
    f.commitAndPush("packages");
    Pantri.Out r = f.retrieve();
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(RepoFixture.tree(f.dest)).isEqualTo(f.expectedDest());
  }

  @Test
  void corruptObjectIsReportedNamingTheFileAndNothingWrongReachesDest() throws Exception {
    RepoFixture f = fixture("");
    packages(f);
    assertThat(f.store().code()).isZero();
    f.commitAndPush("packages");
    FaultProxy.Rule flip = proxy.on("GET", objectOf(f, BIG)).always().corruptAt(1_234_567);

    Pantri.Out r = f.retrieve("--json");
    assertThat(r.code()).as(r.toString()).isEqualTo(1);
    JsonNode failed = JSON.readTree(r.stdout()).path("failed");
    assertThat(failed).as(r.toString()).hasSize(1);
    assertThat(failed.get(0).path("path").asText()).isEqualTo(BIG);
    assertThat(failed.get(0).path("kind").asText()).isEqualTo("corrupt");
    assertThat(failed.get(0).path("error").asText()).startsWith(BIG + ": ").contains("SHA-256").contains("corrupt");
    assertThat(r.stderr()).contains("failed: " + BIG + ": ");
    // a corrupt download is tried once more from scratch, then given up
    assertThat(flip.hits()).isEqualTo(2);
    assertThat(f.dest.resolve(BIG)).doesNotExist();
    assertThat(RepoFixture.tree(f.dest)).isEqualTo(expectedWithout(f, BIG));
    assertNoTempFiles(f.dest);
    try (Stream<Path> partial = Files.list(f.dest.resolve(".pantri/partial"))) {
      assertThat(partial).as("corrupt bytes are not kept for a resume").isEmpty();
    }
  }

  // ------------------------------------------------------------------ kills

  /** Starts pantri; kills it with SIGKILL once the proxy saw the {@code k}-th matching request. */
  private boolean killAtRequest(Process p, String method, String regex, int k, long jitterMillis) throws Exception {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (proxy.count(method, regex) < k && p.isAlive() && System.nanoTime() < until) {
      Thread.sleep(2);
    }
    Thread.sleep(jitterMillis);
    boolean alive = p.isAlive();
    p.destroyForcibly();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    proxy.awaitIdle(Duration.ofSeconds(30));
    return alive;
  }

  @Test
  void sigkillAtRandomPointsOfStoreAndRetrieveThenRerunCompletes() throws Exception {
    RepoFixture f = fixture("");
    Random rnd = new Random(0x9a17e1L);
    List<String> binaries = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      binaries.add(f.binary("mac/p" + i + ".pkg", 30_000 + rnd.nextInt(150_000), 1000 + i).toString());
    }
    binaries.add(f.binary(BIG, 4 * SEGMENT + 99_999, 77).toString()); // 5 segments
    f.binary("win/copy-of-p0.pkg", Files.readAllBytes(Path.of(binaries.get(0))).length, 1000); // same bytes
    f.text("mac/readme.txt", "read me\n");
    // Every object request is held 100 ms: killed less than 100 ms after one arrived, pantri is
    // surely still waiting for its answer, so every kill lands mid-transfer.
    FaultProxy.Rule hold = proxy.on(null, ANY_OBJECT).always().delay(Duration.ofMillis(100));

    Path log = tmp.resolve("kill.log");
    for (int round = 0; round < 3; round++) {
      int missing = 0;
      for (String b : binaries) {
        String rel = f.author.resolve("shelves").relativize(Path.of(b)).toString();
        missing += swift.head(container, key(f, rel)) == 404 ? 1 : 0;
      }
      if (missing == 0) {
        break;
      }
      int k = proxy.count("PUT", ANY_OBJECT) + 1 + rnd.nextInt(missing);
      Process p = f.pantri.builder(f.author, "store", "-J", "2").redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      assertThat(killAtRequest(p, "PUT", ANY_OBJECT, k, rnd.nextInt(60))).as("store killed in round " + round)
          .isTrue();
      assertPitemsPointToExactObjects(f);
    }
    hold.remove();
    Pantri.Out s = f.store();
    assertThat(s.code()).as(s.toString()).isZero();
    assertThat(assertPitemsPointToExactObjects(f)).isEqualTo(12);
    f.commitAndPush("packages");

    f.pantri.git(f.server, "pull", "-q");
    hold = proxy.on(null, ANY_OBJECT).always().delay(Duration.ofMillis(100));
    for (int round = 0; round < 3; round++) {
      Map<String, String> have = RepoFixture.tree(f.dest);
      Map<String, String> want = f.expectedDest();
      // objects still to fetch (two paths with the same content share one object and one GET)
      int missing = (int) want.entrySet().stream()
          .filter(e -> !e.getValue().equals(have.get(e.getKey())) && !e.getKey().endsWith(".txt"))
          .map(Map.Entry::getValue).distinct().count();
      if (missing == 0) {
        break;
      }
      int k = proxy.count("GET", ANY_OBJECT) + 1 + rnd.nextInt(missing);
      Process p = f.pantri.builder(f.server, "retrieve", "--no-pull", "-J", "2", "-d", f.dest.toString())
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      assertThat(killAtRequest(p, "GET", ANY_OBJECT, k, rnd.nextInt(60))).as("retrieve killed in round " + round)
          .isTrue();
      // whatever is at a final path is complete and correct
      for (Map.Entry<String, String> e : RepoFixture.tree(f.dest).entrySet()) {
        assertThat(want).containsEntry(e.getKey(), e.getValue());
      }
    }
    hold.remove();
    Pantri.Out r = f.retrieve();
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(RepoFixture.tree(f.dest)).isEqualTo(f.expectedDest());
    assertNoTempFiles(f.dest);
    try (Stream<Path> partial = Files.list(f.dest.resolve(".pantri/partial"))) {
      assertThat(partial).isEmpty();
    }
  }

  @Test
  void sigtermDuringStoreExits130AndLeavesOnlyPitemsOfStoredObjects() throws Exception {
    RepoFixture f = fixture("");
    for (int i = 0; i < 12; i++) {
      f.binary("mac/p" + i + ".pkg", 50_000 + i, i);
    }
    // 12 uploads, 2 at a time, each held 600 ms: the run cannot end within a second of the first
    proxy.on("PUT", FaultProxy.objectsIn(container)).always().delay(Duration.ofMillis(600));
    Path log = tmp.resolve("term.log");
    Process p = f.pantri.builder(f.author, "store", "-J", "2").redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (proxy.count("PUT", FaultProxy.objectsIn(container)) == 0 && p.isAlive() && System.nanoTime() < until) {
      Thread.sleep(2);
    }
    p.destroy(); // SIGTERM
    assertThat(p.waitFor(40, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(Files.readString(log)).isEqualTo(130);
    assertThat(Files.readString(log)).contains("interrupted");
    int stored = assertPitemsPointToExactObjects(f);
    assertThat(stored).isLessThan(12);

    proxy.clear();
    Pantri.Out s = f.store();
    assertThat(s.code()).as(s.toString()).isZero();
    assertThat(assertPitemsPointToExactObjects(f)).isEqualTo(12);
  }
}
