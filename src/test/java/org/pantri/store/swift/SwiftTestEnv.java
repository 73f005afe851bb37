package org.pantri.store.swift;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.pantri.store.CredentialPrompt;
import org.pantri.store.StoreSettings;
import org.pantri.testsupport.TestServers;

/** Settings and clean-up shared by the Swift tests. */
final class SwiftTestEnv {
  private SwiftTestEnv() {}

  static String unique(String prefix) {
    return prefix + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
  }

  static Map<String, String> v1Env() {
    Map<String, String> env = new HashMap<>();
    env.put("ST_AUTH", TestServers.SWIFT_AUTH);
    env.put("ST_USER", TestServers.SWIFT_USER);
    env.put("ST_KEY", TestServers.SWIFT_KEY);
    return env;
  }

  static StoreSettings settings(Path credDir, String container, Map<String, String> env) {
    return settings(credDir, container, env, null, false, CredentialPrompt.NONE, Map.of());
  }

  static StoreSettings settings(Path credDir, String container, Map<String, String> env, String authUrl,
      boolean passwordFile, CredentialPrompt prompt, Map<String, String> options) {
    Map<String, String> opts = new HashMap<>(options);
    opts.putIfAbsent("segment_container", container + "_segments");
    return new StoreSettings(null, authUrl, container, 1 << 20, credDir, passwordFile, prompt, env, opts);
  }

  /** A TCP port on which nothing listens (bound, then released). */
  static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Deletes what a test left (objects, segments, containers); best effort. */
  static void cleanup(SwiftStore store) {
    for (String c : new String[] {store.container(), store.segmentContainer()}) {
      try {
        for (var n : store.listPage(c, null, null, SwiftStore.LISTING_LIMIT)) {
          store.exec("DELETE", SwiftStore.objectPath(c, n.path("name").asText()), null, store.timeout(), "cleanup").close();
        }
        store.exec("DELETE", "/" + SwiftUrls.component(c), null, store.timeout(), "cleanup").close();
      } catch (IOException | RuntimeException e) {
        // a missing container or an auth test's dead credentials: nothing to clean
      }
    }
  }

}
