package org.pantri.store.fs;

import org.pantri.store.ObjectStore;
import org.pantri.store.ObjectStoreContractTest;

class FsStoreContractTest extends ObjectStoreContractTest {
  @Override
  protected ObjectStore newStore() {
    return new FsStore(tmp.resolve("store"));
  }
}
