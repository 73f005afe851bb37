package org.pantri.core;

import java.io.IOException;
import java.util.Optional;
import org.pantri.core.PantriException.Category;
import org.pantri.repo.Options;
import org.pantri.repo.RepoException;
import org.pantri.repo.Repository;
import org.pantri.store.AuthException;
import org.pantri.store.Authenticator;
import org.pantri.store.ObjectStoreProvider;
import org.pantri.store.ObjectStores;
import org.pantri.store.StoreException;
import org.pantri.store.StoreSettings;

/**
 * {@code pantri auth}: log in and cache the token, or test the cached token, for a store whose
 * provider offers the {@link Authenticator} capability (Swift does; S3 uses the AWS credential
 * chain and fs needs none).
 */
public final class AuthOperation {
  private final Repository repo;
  private final Context ctx;

  public AuthOperation(Repository repo, Context ctx) {
    this.repo = repo;
    this.ctx = ctx;
  }

  /** Returns a one-line description of the outcome; never the token. */
  public String run(String shelf, boolean testOnly) throws PantriException {
    Options o;
    ObjectStoreProvider provider;
    try {
      o = repo.config().resolve(shelf, ctx.cliOptions(), repo.root(), ctx.dataDir());
      provider = ObjectStores.provider(o.objectStore());
    } catch (RepoException | StoreException e) {
      throw new PantriException(Category.REPO, e.getMessage(), e);
    }
    Optional<Authenticator> auth = provider.authenticator();
    if (auth.isEmpty()) {
      String with = String.join(", ", ObjectStores.providers().stream()
          .filter(p -> p.authenticator().isPresent()).map(ObjectStoreProvider::name).toList());
      throw new PantriException(Category.USAGE, "auth is for stores that log in (" + with
          + "); this repository uses '" + o.objectStore() + "', which needs no login here"
          + " (S3 uses the AWS credential chain, fs needs none)");
    }
    StoreSettings settings = Stores.settings(o, ctx, repo.root());
    try {
      if (testOnly) {
        if (auth.get().testCachedToken(settings)) {
          return "the cached token is valid";
        }
        throw new PantriException(Category.AUTH, "no valid cached token; run 'pantri auth' to log in");
      }
      Authenticator.Login r = auth.get().authenticate(settings);
      return "authenticated" + (r.user() == null ? "" : " as " + r.user()) + "; storage URL "
          + org.pantri.store.Endpoints.printable(r.endpoint()) + (r.tokenFile() == null ? "" : "; token cached in " + r.tokenFile());
    } catch (AuthException e) {
      throw new PantriException(Category.AUTH, e.getMessage(), e);
    } catch (IOException e) {
      throw new PantriException(Category.STORE, e.getMessage(), e);
    }
  }
}
