package org.pantri.store.swift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pantri.store.AuthException;
import org.pantri.store.ObjectNotFoundException;
import org.pantri.store.PutMeta;
import org.pantri.store.RetryableStoreException;
import org.pantri.store.StoreException;
import org.pantri.store.StoreSettings;
import org.pantri.testsupport.TestServers;

/** How failures are classified and worded. Fake-server tests need no real Swift. */
class SwiftErrorTest {
  @TempDir Path dir;

  private StoreSettings tokenSettings(String storageUrl, String container) {
    Map<String, String> env = new HashMap<>();
    env.put("OS_AUTH_TOKEN", "AUTH_tksecret0123");
    env.put("OS_STORAGE_URL", storageUrl);
    return SwiftTestEnv.settings(dir, container, env);
  }

  /** A Swift whose container exists and whose object requests get {@code status}. */
  private FakeHttp fakeSwift(int status, String retryAfter) throws Exception {
    return new FakeHttp((ex, body) -> {
      if (ex.getRequestURI().getPath().equals("/v1/AUTH_x/c")) {
        FakeHttp.reply(ex, 204, "");
        return;
      }
      if (retryAfter != null) {
        ex.getResponseHeaders().add("Retry-After", retryAfter);
      }
      FakeHttp.reply(ex, status, "<html><h1>Status " + status + "</h1></html>");
    });
  }

  @Test
  void transientStatusesAreRetryableWithRetryAfter() throws Exception {
    for (int status : new int[] {408, 429, 500, 502, 503, 504}) {
      try (FakeHttp fake = fakeSwift(status, "7")) {
        SwiftStore store = new SwiftStore(tokenSettings(fake.url("/v1/AUTH_x"), "c"));
        store.prepare();
        assertThatThrownBy(() -> store.stat("k")).as("HTTP " + status)
            .isInstanceOfSatisfying(RetryableStoreException.class,
                e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7)))
            .hasMessageContaining("HTTP " + status)
            .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret"));
      }
    }
  }

  @Test
  void forbiddenNamesTheContainerAndMissingObjectIsNotFound() throws Exception {
    try (FakeHttp fake = fakeSwift(403, null)) {
      SwiftStore store = new SwiftStore(tokenSettings(fake.url("/v1/AUTH_x"), "c"));
      store.prepare();
      assertThatThrownBy(() -> store.stat("k")).isExactlyInstanceOf(StoreException.class)
          .hasMessageContaining("permission missing").hasMessageContaining("container 'c'");
    }
    try (FakeHttp fake = fakeSwift(404, null)) {
      SwiftStore store = new SwiftStore(tokenSettings(fake.url("/v1/AUTH_x"), "c"));
      store.prepare();
      assertThat(store.stat("k")).isEmpty();
      assertThatThrownBy(() -> store.open("k", 0)).isInstanceOf(ObjectNotFoundException.class);
      store.delete("k");
    }
  }

  @Test
  void unauthorizedTwiceIsAnAuthExceptionAfterOneReauthentication() throws Exception {
    AtomicInteger auths = new AtomicInteger();
    try (FakeHttp fake = new FakeHttp((ex, body) -> {
      if (ex.getRequestURI().getPath().equals("/auth/v1.0")) {
        auths.incrementAndGet();
        ex.getResponseHeaders().add("X-Auth-Token", "AUTH_tknew" + auths.get());
        ex.getResponseHeaders().add("X-Storage-Url", "http://127.0.0.1:" + ex.getLocalAddress().getPort() + "/v1/AUTH_x");
        FakeHttp.reply(ex, 200, "");
      } else if (ex.getRequestURI().getPath().equals("/v1/AUTH_x/c")) {
        FakeHttp.reply(ex, 204, "");
      } else {
        FakeHttp.reply(ex, 401, "Unauthorized");
      }
    })) {
      Map<String, String> env = SwiftTestEnv.v1Env();
      env.put("ST_AUTH", fake.url("/auth/v1.0"));
      SwiftStore store = new SwiftStore(SwiftTestEnv.settings(dir, "c", env));
      store.prepare();
      // the store reports the expiry as a fact; the engine's retrier re-authenticates once
      assertThatThrownBy(() -> store.stat("k")).isInstanceOf(org.pantri.store.CredentialsExpiredException.class);
      assertThat(auths.get()).isEqualTo(1);
      org.pantri.transfer.Retrier retrier = new org.pantri.transfer.Retrier(org.pantri.transfer.RetryPolicy.of(3),
          org.pantri.transfer.ProgressListener.NONE, new org.pantri.transfer.Cancellation(), store);
      assertThatThrownBy(() -> retrier.call("k", () -> store.stat("k"))).isInstanceOf(AuthException.class)
          .isNotInstanceOf(org.pantri.store.CredentialsExpiredException.class)
          .hasMessageContaining("pantri auth")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("AUTH_tknew"));
      assertThat(auths.get()).isEqualTo(2);
    }
  }

  @Test
  void damagedUploadIsDetectedAndRemoved() throws Exception {
    try (FakeHttp fake = new FakeHttp((ex, body) -> {
      if (ex.getRequestMethod().equals("PUT")) {
        ex.getResponseHeaders().add("Etag", "0123456789abcdef0123456789abcdef");
        FakeHttp.reply(ex, 201, "");
      } else {
        FakeHttp.reply(ex, 204, "");
      }
    })) {
      SwiftStore store = new SwiftStore(tokenSettings(fake.url("/v1/AUTH_x"), "c"));
      store.prepare();
      Path f = Files.writeString(dir.resolve("f"), "hello");
      // the store reports the facts: Swift's ETag and the MD5 of the bytes it sent
      org.pantri.store.PutResult r = store.put("k", f, new PutMeta(5, 1, "00"));
      assertThat(r.etag()).isEqualTo("0123456789abcdef0123456789abcdef");
      assertThat(r.sentMd5()).isEqualTo("5d41402abc4b2a76b9719d911017c592"); // MD5("hello")
      assertThat(r.damaged()).isTrue();
      // the engine decides: the damaged copy is removed and the upload fails as retryable
      try (org.pantri.transfer.TransferEngine e = new org.pantri.transfer.TransferEngine(store, 1,
          new org.pantri.transfer.RetryPolicy(0, java.time.Duration.ofMillis(1), java.time.Duration.ofMillis(1)),
          org.pantri.transfer.ProgressListener.NONE, new org.pantri.transfer.Cancellation())) {
        assertThat(e.upload(List.of(new org.pantri.transfer.TransferEngine.UploadJob("k", f, new PutMeta(5,
            Files.getLastModifiedTime(f).toMillis() / 1000, "00"), "k")), j -> {}))
            .singleElement().satisfies(x -> assertThat(x.message()).contains("damaged"));
      }
      assertThat(fake.requests).contains("DELETE /v1/AUTH_x/c/k");
    }
  }

  @Test
  void unreachableAuthUrlIsNamed() throws Exception {
    int port = SwiftTestEnv.closedPort();
    Map<String, String> env = SwiftTestEnv.v1Env();
    env.put("ST_AUTH", "http://127.0.0.1:" + port + "/auth/v1.0");
    SwiftStore store = new SwiftStore(SwiftTestEnv.settings(dir, "c", env));
    assertThatThrownBy(store::prepare).isInstanceOf(RetryableStoreException.class)
        .hasMessageContaining("http://127.0.0.1:" + port + "/auth/v1.0")
        .hasMessageContaining("auth_url").hasMessageContaining("running");
  }

  @Test
  void unreachableStorageUrlIsNamed() throws Exception {
    int port = SwiftTestEnv.closedPort();
    SwiftStore store = new SwiftStore(tokenSettings("http://127.0.0.1:" + port + "/v1/AUTH_x", "c"));
    assertThatThrownBy(store::prepare).isInstanceOf(StoreException.class)
        .hasMessageContaining("http://127.0.0.1:" + port + "/v1/AUTH_x/c")
        .hasMessageContaining("storage_url")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret"));
  }

  @Test
  void keysArePercentEncodedPerSegment() {
    assertThat(SwiftUrls.path("mac/Café Tools/a?b#c%d+e&f=g/emoji😀 (1).pkg"))
        .isEqualTo("mac/Caf%C3%A9%20Tools/a%3Fb%23c%25d%2Be%26f%3Dg/emoji%F0%9F%98%80%20%281%29.pkg");
    assertThat(SwiftUrls.component("a/b c")).isEqualTo("a%2Fb%20c");
  }

  @Test
  void mtimeIsReadAndWrittenLikePythonSwiftclient() {
    assertThat(SwiftStore.formatMtime(1_500_000_000L)).isEqualTo("1500000000.000000");
    assertThat(SwiftStore.parseMtime("1500000000.987654")).isEqualTo(1_500_000_000L);
    assertThat(SwiftStore.parseMtime("junk")).isEqualTo(-1);
  }

  @Test
  @Tag("swift")
  void userWhoMayNotCreateContainersGetsAClearError() throws Exception {
    TestServers.requireSwift();
    Map<String, String> env = SwiftTestEnv.v1Env();
    env.put("ST_USER", "test:tester3");
    env.put("ST_KEY", "testing3");
    String c = SwiftTestEnv.unique("pantri-noperm");
    SwiftStore store = new SwiftStore(SwiftTestEnv.settings(dir, c, env));
    assertThatThrownBy(store::prepare).isExactlyInstanceOf(StoreException.class)
        .hasMessageContaining("'" + c + "'").hasMessageContaining("permission")
        .hasMessageContaining("http://127.0.0.1:8080/v1/AUTH_test");
  }

  @Test
  void providerIsFoundByNameAndByTheOriginalClassName() throws Exception {
    for (String name : new String[] {"swift", "FB_ObjectStore", "fb_objectstore.FB_ObjectStore"}) {
      assertThat(org.pantri.store.ObjectStores.provider(name)).isInstanceOf(SwiftStoreProvider.class);
    }
    assertThatThrownBy(() -> new SwiftStoreProvider().create(SwiftTestEnv.settings(dir, null, Map.of())))
        .hasMessageContaining("object_store_container");
  }
}
