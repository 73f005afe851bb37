package org.pantri.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.pantri.core.PantriException.Category;
import org.pantri.pitem.Pitem;
import org.pantri.pitem.PitemCodec;
import org.pantri.pitem.PitemException;
import org.pantri.repo.Layout;
import org.pantri.repo.Options;
import org.pantri.repo.RepoException;
import org.pantri.repo.Repository;
import org.pantri.store.ObjectStore;

/**
 * {@code pantri ls [PATH...] [--remote]}: the pitems under the paths (in the work tree), and with
 * {@code remote} whether the store holds each object with the right size ({@link RemoteCheck}:
 * one listing per prefix, not a request per object).
 */
public final class LsOperation {
  private final Repository repo;
  private final Context ctx;

  public LsOperation(Repository repo, Context ctx) {
    this.repo = repo;
    this.ctx = ctx;
  }

  /** One listed pitem. {@code remote} is null without --remote, else "ok", "missing" or "size N". */
  public record Entry(String path, Pitem pitem, String key, String remote) {}

  public record Listing(List<Entry> entries, List<String> refused) {}

  public Listing run(List<Path> paths, boolean remote) throws PantriException {
    List<Path> starts = new ArrayList<>();
    try {
      if (paths.isEmpty()) {
        starts.add(repo.shelves());
      }
      for (Path p : paths) {
        String rel = repo.shelvesPath(p);
        starts.add(rel.isEmpty() ? repo.shelves() : repo.shelves().resolve(rel));
      }
    } catch (RepoException e) {
      throw new PantriException(Category.USAGE, e.getMessage(), e);
    }
    List<Path> files = new ArrayList<>();
    for (Path s : starts) {
      if (Files.isRegularFile(s, LinkOption.NOFOLLOW_LINKS) && !s.toString().endsWith(PitemCodec.SUFFIX)) {
        s = s.resolveSibling(s.getFileName() + PitemCodec.SUFFIX);
      }
      if (!Files.exists(s, LinkOption.NOFOLLOW_LINKS)) {
        throw new PantriException(Category.USAGE, s + ": no such file or directory");
      }
      try (Stream<Path> w = Files.walk(s)) {
        w.filter(f -> f.getFileName().toString().endsWith(PitemCodec.SUFFIX)
            && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).sorted().forEach(files::add);
      } catch (IOException e) {
        throw new PantriException(Category.REPO, "cannot list " + s + ": " + e.getMessage(), e);
      }
    }
    List<Entry> entries = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    Map<String, Options> byShelf = new HashMap<>();
    for (Path f : files) {
      String rp = Repository.SHELVES + "/" + repo.shelves().relativize(f).toString();
      try {
        Pitem p = PitemCodec.read(f, GitPitems.expectedPath(rp));
        String shelf = Repository.shelfOf(p.path());
        Options o = byShelf.get(shelf);
        if (o == null) {
          o = repo.config().resolve(shelf, ctx.cliOptions(), repo.root(), ctx.dataDir());
          byShelf.put(shelf, o);
        }
        entries.add(new Entry(rp, p, o.layout().key(p.path(), p.sha256()), null));
      } catch (PitemException e) {
        refused.add(e.getMessage());
      } catch (RepoException e) {
        throw new PantriException(Category.REPO, e.getMessage(), e);
      } catch (IOException e) {
        refused.add(rp + ": " + e.getMessage());
      }
    }
    if (!remote || entries.isEmpty()) {
      return new Listing(entries, refused);
    }
    Map<String, List<RemoteCheck.Want>> wants = new LinkedHashMap<>();
    Map<String, Options> opts = new LinkedHashMap<>();
    for (Entry e : entries) {
      Options o = byShelf.get(Repository.shelfOf(e.pitem().path()));
      opts.putIfAbsent(o.storeIdentity(), o);
      String fb = o.layout() == Layout.CONTENT ? Layout.PATH.key(e.pitem().path(), e.pitem().sha256()) : null;
      wants.computeIfAbsent(o.storeIdentity(), k -> new ArrayList<>())
          .add(new RemoteCheck.Want(e.key(), e.pitem().fileSize(), e.path(), fb));
    }
    Map<String, String> status = new HashMap<>();
    try (Stores.Cache stores = new Stores.Cache(ctx, repo.root(), true)) {
      for (Map.Entry<String, List<RemoteCheck.Want>> w : wants.entrySet()) {
        Options o = opts.get(w.getKey());
        ObjectStore store = stores.get(o);
        for (RemoteCheck.Problem pr : RemoteCheck.check(store, w.getValue(), Stores.retrier(o, ctx, store)).problems()) {
          status.put(pr.want().where(), pr.missing() ? "missing" : "size " + pr.actualSize());
        }
      }
    } catch (org.pantri.store.AuthException e) {
      throw new PantriException(Category.AUTH, e.getMessage(), e);
    } catch (IOException e) {
      throw new PantriException(Category.STORE, e.getMessage(), e);
    }
    List<Entry> out = new ArrayList<>();
    for (Entry e : entries) {
      out.add(new Entry(e.path(), e.pitem(), e.key(), status.getOrDefault(e.path(), "ok")));
    }
    return new Listing(out, refused);
  }
}
