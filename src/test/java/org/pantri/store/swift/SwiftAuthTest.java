package org.pantri.store.swift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pantri.store.AuthException;
import org.pantri.store.CredentialPrompt;
import org.pantri.store.PutMeta;
import org.pantri.store.StoreSettings;
import org.pantri.testsupport.TestServers;

/** Authentication and the token cache against the real Swift server (tempauth, v1). */
@Tag("swift")
class SwiftAuthTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  private final List<SwiftStore> opened = new ArrayList<>();

  @BeforeAll
  static void server() {
    TestServers.requireSwift();
  }

  @AfterEach
  void cleanup() {
    if (!opened.isEmpty()) {
      SwiftTestEnv.cleanup(opened.get(0));
    }
  }

  private SwiftStore open(StoreSettings s) throws Exception {
    SwiftStore store = new SwiftStore(s);
    store.prepare();
    opened.add(store);
    return store;
  }

  private Path tokenFile() {
    return dir.resolve(".pantri_auth_token");
  }

  private JsonNode tokenJson() throws Exception {
    return JSON.readTree(Files.readAllBytes(tokenFile()));
  }

  private static String perms(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void v1FromEnvironmentCachesTheTokenOwnerOnly() throws Exception {
    SwiftStore store = open(SwiftTestEnv.settings(dir, SwiftTestEnv.unique("pantri-auth"), SwiftTestEnv.v1Env()));
    assertThat(store.stat("nothing")).isEmpty();
    assertThat(perms(tokenFile())).isEqualTo("rw-------");
    JsonNode t = tokenJson();
    assertThat(t.get("auth_token").asText()).startsWith("AUTH_tk");
    assertThat(t.get("storage_url").asText()).isEqualTo("http://127.0.0.1:8080/v1/AUTH_test");
    assertThat(store.authenticator().logins()).isEqualTo(1);
  }

  @Test
  void passwordFileWithoutAnyEnvironment() throws Exception {
    Path pw = dir.resolve(".pantri_password");
    Files.createFile(pw, TokenCache.ownerOnly());
    Files.writeString(pw, "{\"username\": \"" + TestServers.SWIFT_USER + "\", \"password\": \"" + TestServers.SWIFT_KEY + "\"}");
    StoreSettings s = SwiftTestEnv.settings(dir, SwiftTestEnv.unique("pantri-auth"), Map.of(),
        TestServers.SWIFT_AUTH, true, CredentialPrompt.NONE, Map.of());
    SwiftStore store = open(s);
    assertThat(store.list("")).isEmpty();
    assertThat(perms(tokenFile())).isEqualTo("rw-------");
    assertThat(perms(pw)).isEqualTo("rw-------");
  }

  @Test
  void cachedTokenIsReusedWithoutAuthenticating() throws Exception {
    String c = SwiftTestEnv.unique("pantri-auth");
    open(SwiftTestEnv.settings(dir, c, SwiftTestEnv.v1Env()));
    byte[] before = Files.readAllBytes(tokenFile());
    assertThat(tokenJson().get("auth_url").asText()).isEqualTo(TestServers.SWIFT_AUTH);
    StoreSettings s = SwiftTestEnv.settings(dir, c, SwiftTestEnv.v1Env());
    SwiftStore second = open(s);
    assertThat(second.authenticator().logins()).isZero();
    assertThat(second.list("")).isEmpty();
    assertThat(Files.readAllBytes(tokenFile())).isEqualTo(before);
    assertThat(SwiftAuth.testCachedToken(s)).isTrue();
  }

  @Test
  void cachedTokenIsBoundToTheAuthUrlThatIssuedIt() throws Exception {
    String c = SwiftTestEnv.unique("pantri-auth");
    open(SwiftTestEnv.settings(dir, c, SwiftTestEnv.v1Env()));
    // another auth endpoint now: the cached token is not offered anywhere, a login is attempted there
    Map<String, String> other = SwiftTestEnv.v1Env();
    other.put("ST_AUTH", "http://127.0.0.1:" + SwiftTestEnv.closedPort() + "/auth/v1.0");
    SwiftStore second = new SwiftStore(SwiftTestEnv.settings(dir, c, other));
    assertThatThrownBy(second::prepare).hasMessageContaining("cannot connect");
    assertThat(second.authenticator().logins()).isEqualTo(1);
  }

  @Test
  void rejectedCachedTokenIsReplaced() throws Exception {
    Files.writeString(tokenFile(),
        "{\"auth_token\": \"AUTH_tkdeadbeefdeadbeefdeadbeefdeadbeef\", \"storage_url\": \"http://127.0.0.1:8080/v1/AUTH_test\"}");
    StoreSettings s = SwiftTestEnv.settings(dir, SwiftTestEnv.unique("pantri-auth"), SwiftTestEnv.v1Env());
    assertThat(SwiftAuth.testCachedToken(s)).isFalse();
    SwiftStore store = open(s);
    assertThat(store.authenticator().logins()).isEqualTo(1);
    assertThat(tokenJson().get("auth_token").asText()).isNotEqualTo("AUTH_tkdeadbeefdeadbeefdeadbeefdeadbeef");
    assertThat(perms(tokenFile())).isEqualTo("rw-------");
    assertThat(SwiftAuth.testCachedToken(s)).isTrue();
  }

  @Test
  void originalToolsTokenFileWithoutStorageUrlIsUsable() throws Exception {
    String c = SwiftTestEnv.unique("pantri-auth");
    open(SwiftTestEnv.settings(dir, c, SwiftTestEnv.v1Env()));
    String token = tokenJson().get("auth_token").asText();
    Files.writeString(tokenFile(), "{\"auth_token\": \"" + token + "\"}");
    // bound to nothing: used only with a storage URL the host itself vouches for (e.g. --storage_url)
    StoreSettings s = new StoreSettings("http://127.0.0.1:8080/v1/AUTH_test", null, c, 1 << 20, dir, false,
        CredentialPrompt.NONE, Map.of(), Map.of(), List.of("http://127.0.0.1:8080/v1/AUTH_test"));
    SwiftStore store = open(s);
    assertThat(store.authenticator().logins()).isZero();
  }

  @Test
  void unboundTokenFileIsNotSentToAStorageUrlFromTheRepository() throws Exception {
    String c = SwiftTestEnv.unique("pantri-auth");
    open(SwiftTestEnv.settings(dir, c, SwiftTestEnv.v1Env()));
    String token = tokenJson().get("auth_token").asText();
    Files.writeString(tokenFile(), "{\"auth_token\": \"" + token + "\"}");
    StoreSettings s = new StoreSettings("http://127.0.0.1:8080/v1/AUTH_test", null, c, 1 << 20, dir, false,
        CredentialPrompt.NONE, SwiftTestEnv.v1Env(), Map.of());
    SwiftStore store = open(s);
    assertThat(store.authenticator().logins()).isEqualTo(1);
    assertThat(tokenJson().get("auth_url").asText()).isEqualTo(TestServers.SWIFT_AUTH);
  }

  @Test
  void wrongPasswordIsAnAuthExceptionWithoutThePassword() throws Exception {
    Map<String, String> env = SwiftTestEnv.v1Env();
    env.put("ST_KEY", "Sekrit-wrong-9f3a");
    SwiftStore store = new SwiftStore(SwiftTestEnv.settings(dir, SwiftTestEnv.unique("pantri-auth"), env));
    assertThatThrownBy(store::prepare)
        .isInstanceOf(AuthException.class)
        .hasMessageContaining("rejected the credentials for user " + TestServers.SWIFT_USER)
        .hasMessageContaining("127.0.0.1:8080/auth/v1.0")
        .hasMessageContaining("pantri auth")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("Sekrit"));
    assertThat(Files.exists(tokenFile())).isFalse();
  }

  @Test
  void promptIsAskedAndNoPromptExplainsWhatToDo() throws Exception {
    List<String> asked = new ArrayList<>();
    CredentialPrompt prompt = new CredentialPrompt() {
      @Override
      public String ask(String question, String defaultAnswer) {
        asked.add(question + " [" + defaultAnswer + "]");
        return TestServers.SWIFT_USER;
      }

      @Override
      public char[] askSecret(String question) {
        asked.add(question);
        return TestServers.SWIFT_KEY.toCharArray();
      }
    };
    String c = SwiftTestEnv.unique("pantri-auth");
    open(SwiftTestEnv.settings(dir, c, Map.of(), TestServers.SWIFT_AUTH, false, prompt, Map.of()));
    assertThat(asked).hasSize(2);
    assertThat(asked.get(0)).contains("[" + System.getProperty("user.name") + "]");

    Path other = dir.resolve("other");
    SwiftStore none = new SwiftStore(SwiftTestEnv.settings(other, c, Map.of(), TestServers.SWIFT_AUTH, false,
        CredentialPrompt.NONE, Map.of()));
    assertThatThrownBy(none::prepare).isInstanceOf(AuthException.class)
        .hasMessageContaining("pantri auth").hasMessageContaining(".pantri_password").hasMessageContaining("ST_AUTH");
  }

  @Test
  void osAuthTokenFromTheEnvironmentIsUsedAsIs() throws Exception {
    SwiftAuth.AuthResult r = SwiftAuth.authenticate(SwiftTestEnv.settings(dir, null, SwiftTestEnv.v1Env()));
    assertThat(r.user()).isEqualTo(TestServers.SWIFT_USER);
    assertThat(r.storageUrl()).isEqualTo("http://127.0.0.1:8080/v1/AUTH_test");
    assertThat(r.toString()).doesNotContain("AUTH_tk");
    String token = tokenJson().get("auth_token").asText();
    Map<String, String> env = new HashMap<>();
    env.put("OS_AUTH_TOKEN", token);
    env.put("OS_STORAGE_URL", r.storageUrl());
    SwiftStore store = open(SwiftTestEnv.settings(dir.resolve("sub"), SwiftTestEnv.unique("pantri-auth"), env));
    assertThat(store.authenticator().logins()).isZero();
    assertThat(Files.exists(dir.resolve("sub/.pantri_auth_token"))).isFalse();

    env.put("OS_AUTH_TOKEN", "AUTH_tkbogus0000");
    SwiftStore bad = new SwiftStore(SwiftTestEnv.settings(dir.resolve("sub"), SwiftTestEnv.unique("pantri-auth"), env));
    assertThatThrownBy(bad::prepare).isInstanceOf(AuthException.class).hasMessageContaining("OS_AUTH_TOKEN")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("AUTH_tkbogus"));
  }

  /** tempauth keeps tokens in memcache under md5("AUTH_/token/" + token); deleting it expires it. */
  static void expireToken(String token) throws Exception {
    String key = HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
        .digest(("AUTH_/token/" + token).getBytes(StandardCharsets.UTF_8)));
    try (Socket s = new Socket("127.0.0.1", 11711)) {
      OutputStream out = s.getOutputStream();
      out.write(("delete " + key + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String answer = new String(s.getInputStream().readNBytes(9), StandardCharsets.US_ASCII);
      assertThat(answer).isEqualTo("DELETED\r\n");
    }
  }

  @Test
  void tokenExpiredMidRunReauthenticatesOnceForAllThreads() throws Exception {
    SwiftStore store = open(SwiftTestEnv.settings(dir, SwiftTestEnv.unique("pantri-auth"), SwiftTestEnv.v1Env()));
    Path f = dir.resolve("f.bin");
    byte[] data = new byte[50_000];
    new Random(1).nextBytes(data);
    Files.write(f, data);
    PutMeta meta = new PutMeta(data.length, 1_600_000_000L, HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(data)));
    store.put("before", f, meta);
    String oldToken = tokenJson().get("auth_token").asText();
    expireToken(oldToken);
    // the engine's path: one retrier for the store, shared by all transfer threads
    org.pantri.transfer.Retrier retrier = new org.pantri.transfer.Retrier(org.pantri.transfer.RetryPolicy.of(3),
        org.pantri.transfer.ProgressListener.NONE, new org.pantri.transfer.Cancellation(), store);

    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<byte[]>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        int n = i;
        Callable<byte[]> task = () -> {
          go.await();
          retrier.call("after/" + n, () -> store.put("after/" + n, f, meta));
          return retrier.call("before", () -> {
            try (var in = store.open("before", 0)) {
              return in.readAllBytes();
            }
          });
        };
        results.add(pool.submit(task));
      }
      go.countDown();
      for (Future<byte[]> r : results) {
        assertThat(r.get()).isEqualTo(data);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(store.list("after/")).hasSize(threads);
    assertThat(store.authenticator().logins()).isEqualTo(2);
    assertThat(tokenJson().get("auth_token").asText()).isNotEqualTo(oldToken);
  }

  /**
   * A large body and a dead token: Swift may answer 401 before reading the body and close the
   * connection, so the client sees a broken pipe, not the status. The run must still succeed.
   */
  @Test
  void tokenExpiredBeforeALargeUploadReauthenticates() throws Exception {
    SwiftStore store = open(SwiftTestEnv.settings(dir, SwiftTestEnv.unique("pantri-auth"), SwiftTestEnv.v1Env()));
    Path f = dir.resolve("big.bin");
    byte[] data = new byte[32 << 20];
    new Random(2).nextBytes(data);
    Files.write(f, data);
    PutMeta meta = new PutMeta(data.length, 1_600_000_000L, HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(data)));
    expireToken(tokenJson().get("auth_token").asText());
    org.pantri.transfer.Retrier retrier = new org.pantri.transfer.Retrier(org.pantri.transfer.RetryPolicy.of(3),
        org.pantri.transfer.ProgressListener.NONE, new org.pantri.transfer.Cancellation(), store);
    retrier.call("big", () -> store.put("big", f, meta));
    try (var in = store.open("big", 0)) {
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
    assertThat(store.authenticator().logins()).isEqualTo(2);
  }
}
