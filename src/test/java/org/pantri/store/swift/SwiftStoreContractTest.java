package org.pantri.store.swift;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.pantri.store.ObjectStore;
import org.pantri.store.MultipartStoreContractTest;
import org.pantri.testsupport.TestServers;

/** The store contract against the real Swift server, each test in a fresh container. */
@Tag("swift")
class SwiftStoreContractTest extends MultipartStoreContractTest {

  @BeforeAll
  static void server() {
    TestServers.requireSwift();
  }

  @Override
  protected ObjectStore newStore() throws Exception {
    // 1 MiB segments so the multipart contract runs with small files
    return new SwiftStore(SwiftTestEnv.settings(tmp.resolve("creds"), SwiftTestEnv.unique("pantri-ct"),
        SwiftTestEnv.v1Env()));
  }

  @AfterEach
  void removeContainer() {
    if (store != null) {
      SwiftTestEnv.cleanup((SwiftStore) store);
    }
  }
}
