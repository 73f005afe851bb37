package org.pantri.core;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pantri.repo.HostTrust;
import org.pantri.core.PantriException.Category;
import org.pantri.repo.Options;
import org.pantri.repo.RepoException;
import org.pantri.store.AuthException;
import org.pantri.store.ObjectStore;
import org.pantri.store.ObjectStores;
import org.pantri.store.StoreSettings;
import org.pantri.transfer.Retrier;
import org.pantri.transfer.RetryPolicy;

/** Builds and prepares the store an {@link Options} names, mapping failures to {@link PantriException.Category categories}. */
final class Stores {
  private Stores() {}

  static StoreSettings settings(Options o, Context ctx, Path repoRoot) throws PantriException {
    return new StoreSettings(o.storageUrl(), o.authUrl(), o.container(), o.segmentSize(), repoRoot,
        ctx.usePasswordFile(), ctx.prompt(), ctx.env(), o.raw(), trustedEndpoints(ctx));
  }

  /**
   * Endpoints this host vouches for: URLs given on its command line and those its own trust
   * config lists. URLs from the committed pantri.toml are deliberately not among them.
   */
  static List<String> trustedEndpoints(Context ctx) throws PantriException {
    List<String> out = new ArrayList<>();
    for (String k : List.of("storage_url", "auth_url")) {
      Object v = ctx.cliOptions().get(k);
      if (v != null && !v.toString().isBlank()) {
        out.add(v.toString());
      }
    }
    try {
      out.addAll(HostTrust.load(ctx.env(), Context.homeDir(ctx.env())).endpoints());
    } catch (RepoException e) {
      throw new PantriException(PantriException.Category.REPO, e.getMessage(), e);
    }
    return out;
  }

  static ObjectStore open(Options o, Context ctx, Path repoRoot, boolean forReading) throws PantriException {
    ObjectStore s;
    try {
      s = ObjectStores.create(o.objectStore(), settings(o, ctx, repoRoot));
    } catch (IOException e) {
      throw new PantriException(Category.REPO, e.getMessage(), e);
    }
    ObjectStore store = s;
    // --no-create / create_missing = false: a store run never creates a container either
    boolean noCreate = !forReading && "false".equalsIgnoreCase(o.raw().getOrDefault("create_missing", "true").trim());
    try {
      // A login or container check that meets a 503 deserves the retries a transfer gets.
      retrier(o, ctx, s).call(s.describe(), () -> {
        if (forReading || noCreate) {
          store.prepareForReading();
        } else {
          store.prepare();
        }
        return null;
      });
    } catch (AuthException e) {
      throw new PantriException(Category.AUTH, e.getMessage(), e);
    } catch (IOException e) {
      throw new PantriException(Category.STORE, s.describe() + ": " + e.getMessage()
          + (noCreate ? " (--no-create / create_missing = false: nothing is created)" : ""), e);
    }
    return s;
  }

  /** The options in force for {@code shelf} (null: no particular shelf), mapping config errors to exit 3. */
  static Options options(org.pantri.repo.Repository repo, Context ctx, String shelf) throws PantriException {
    try {
      return repo.config().resolve(shelf, ctx.cliOptions(), repo.root(), ctx.dataDir());
    } catch (RepoException e) {
      throw new PantriException(Category.REPO, e.getMessage(), e);
    }
  }

  /** The engine's retry and re-authentication policy, for the requests made outside transfers. */
  static Retrier retrier(Options o, Context ctx, ObjectStore store) {
    return new Retrier(RetryPolicy.of(o.retries()), ctx.progress(), ctx.cancel(), store);
  }

  /** One open store per distinct store identity, closed together. */
  static final class Cache implements AutoCloseable {
    private final Map<String, ObjectStore> open = new LinkedHashMap<>();
    private final Context ctx;
    private final Path root;

    private final boolean forReading;

    /** {@code forReading}: the stores are only read from, see {@link ObjectStore#prepareForReading}. */
    Cache(Context ctx, Path root, boolean forReading) {
      this.ctx = ctx;
      this.root = root;
      this.forReading = forReading;
    }

    ObjectStore get(Options o) throws PantriException {
      ObjectStore s = open.get(o.storeIdentity());
      if (s == null) {
        s = open(o, ctx, root, forReading);
        open.put(o.storeIdentity(), s);
      }
      return s;
    }

    /** Every container, bucket or directory the stores of this run had to create, each said once. */
    List<String> reportCreated() {
      List<String> all = new ArrayList<>();
      for (ObjectStore s : open.values()) {
        for (String c : s.created()) {
          all.add(c);
          ctx.reporter().warn("created " + c + ": it did not exist. If the name is a typo, fix object_store_container"
              + " / storage_url and remove it; --no-create (create_missing = false) refuses instead");
        }
      }
      return all;
    }

    @Override
    public void close() {
      for (ObjectStore s : open.values()) {
        try {
          s.close();
        } catch (IOException ignored) {
          // closing a client: nothing left to protect
        }
      }
    }
  }
}
