package org.pantri.core;

import java.io.IOException;
import org.pantri.core.PantriException.Category;
import org.pantri.repo.Options;
import org.pantri.repo.RepoException;
import org.pantri.repo.Repository;
import org.pantri.store.AuthException;
import org.pantri.store.swift.SwiftAuth;

/** {@code pantri auth}: log in to Swift and cache the token, or test the cached token. */
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
    try {
      o = repo.config().resolve(shelf, ctx.cliOptions(), repo.root(), ctx.dataDir());
    } catch (RepoException e) {
      throw new PantriException(Category.REPO, e.getMessage(), e);
    }
    if (!o.objectStore().equalsIgnoreCase("swift")) {
      throw new PantriException(Category.USAGE, "auth is for the swift store; this repository uses '"
          + o.objectStore() + "' (S3 uses the AWS credential chain, fs needs none)");
    }
    try {
      if (testOnly) {
        if (SwiftAuth.testCachedToken(Stores.settings(o, ctx, repo.root()))) {
          return "the cached token is valid";
        }
        throw new PantriException(Category.AUTH, "no valid cached token; run 'pantri auth' to log in");
      }
      SwiftAuth.AuthResult r = SwiftAuth.authenticate(Stores.settings(o, ctx, repo.root()));
      return "authenticated" + (r.user() == null ? "" : " as " + r.user()) + "; storage URL "
          + r.storageUrl() + (r.tokenFile() == null ? "" : "; token cached in " + r.tokenFile());
    } catch (AuthException e) {
      throw new PantriException(Category.AUTH, e.getMessage(), e);
    } catch (IOException e) {
      throw new PantriException(Category.STORE, e.getMessage(), e);
    }
  }
}
