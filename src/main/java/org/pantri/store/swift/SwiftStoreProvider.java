package org.pantri.store.swift;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.pantri.store.Authenticator;
import org.pantri.store.ObjectStore;
import org.pantri.store.ObjectStoreProvider;
import org.pantri.store.OptionSpec;
import org.pantri.store.OptionSpec.Type;
import org.pantri.store.StoreException;
import org.pantri.store.StoreSettings;

/**
 * The OpenStack Swift store. Also answers to the original tool's class name so its configs keep
 * working. Its options are declared in {@link #options()}; it can log in ({@code pantri auth}).
 */
public final class SwiftStoreProvider implements ObjectStoreProvider {
  @Override
  public String name() {
    return "swift";
  }

  @Override
  public List<String> aliases() {
    return List.of("openstack", "FB_ObjectStore", "fb_objectstore.FB_ObjectStore");
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.of("segment_container", Type.STRING, "segments", "container for Static Large Object segments"),
        OptionSpec.of("swift_timeout", Type.SECONDS, "60",
            "seconds any one read from the server may block; a request that times out is retried"),
        OptionSpec.of("swift_etag_check", Type.STRING, "stream",
            "'stream': compare Swift's ETag with the MD5 of the bytes sent; 'header': send the MD5 up front"));
  }

  @Override
  public Optional<Authenticator> authenticator() {
    return Optional.of(new Authenticator() {
      @Override
      public Login authenticate(StoreSettings settings) throws IOException {
        SwiftAuth.AuthResult r = SwiftAuth.authenticate(settings);
        return new Login(r.user(), r.storageUrl(), r.tokenFile());
      }

      @Override
      public boolean testCachedToken(StoreSettings settings) throws IOException {
        return SwiftAuth.testCachedToken(settings);
      }
    });
  }

  @Override
  public ObjectStore create(StoreSettings settings) throws StoreException {
    return new SwiftStore(settings);
  }
}
