package org.pantri.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.pantri.store.ObjectInfo;
import org.pantri.store.ObjectStore;
import org.pantri.store.PutMeta;
import org.pantri.store.PutResult;

/** Hands every call to a real store; a test overrides the calls it faults or records. */
class ForwardingStore implements ObjectStore {
  final ObjectStore inner;

  ForwardingStore(ObjectStore inner) {
    this.inner = inner;
  }

  @Override
  public String describe() {
    return inner.describe();
  }

  @Override
  public void prepare() throws IOException {
    inner.prepare();
  }

  @Override
  public Optional<ObjectInfo> stat(String key) throws IOException {
    return inner.stat(key);
  }

  @Override
  public List<ObjectInfo> list(String prefix) throws IOException {
    return inner.list(prefix);
  }

  @Override
  public PutResult put(String key, Path source, PutMeta meta) throws IOException {
    return inner.put(key, source, meta);
  }

  @Override
  public InputStream open(String key, long offset) throws IOException {
    return inner.open(key, offset);
  }

  @Override
  public void delete(String key) throws IOException {
    inner.delete(key);
  }

  @Override
  public void close() throws IOException {
    inner.close();
  }
}
