package org.pantri.core;

import java.io.IOException;
import java.nio.file.Path;
import org.pantri.core.PantriException.Category;
import org.pantri.repo.Options;
import org.pantri.repo.RepoException;
import org.pantri.repo.Repository;
import org.pantri.transfer.DestinationLock;

/** {@code pantri rollback}: switch an atomic destination back to its previous generation. */
public final class RollbackOperation {
  private final Repository repo;
  private final Context ctx;

  public RollbackOperation(Repository repo, Context ctx) {
    this.repo = repo;
    this.ctx = ctx;
  }

  /** Returns the destination's path; the summary line names the generation now served. */
  public Result run() throws PantriException {
    Options o = Stores.options(repo, ctx, null);
    Path dest = o.destSync();
    Generations g = Generations.at(dest);
    try (DestinationLock lock = DestinationLock.acquire(g.directory().resolve(".pantri-lock"), "destination " + dest)) {
      Path previous = g.rollback();
      SyncState state = SyncState.load(previous.resolve(".pantri"));
      Result r = new Result();
      for (String shelf : state.shelves()) {
        r.commit = state.commit(shelf);
      }
      ctx.reporter().info(dest + " now serves generation " + previous.getFileName()
          + (r.commit == null ? "" : " (" + r.commit.substring(0, 12) + ")")
          + "; the next retrieve builds a new generation from it");
      return r;
    } catch (DestinationLock.HeldException e) {
      throw new PantriException(Category.LOCKED, e.getMessage(), e);
    } catch (IOException e) {
      throw new PantriException(Category.REPO, "cannot roll back " + dest + ": " + e.getMessage(), e);
    }
  }
}
