package org.pantri.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A flat namespace of immutable-ish objects: the one interface every backend (fs, Swift, S3)
 * implements. Stores only move bytes, report facts ({@link PutResult}) and classify errors (a
 * {@link CredentialsExpiredException} for an expired session); retries, re-authentication,
 * parallelism, verification and atomic downloads belong to {@code org.pantri.transfer}.
 * Implementations must be safe for concurrent use by many threads.
 *
 * <p>Keys are '/'-separated, never start with '/', never contain "." or ".." segments. Errors are
 * reported as {@link StoreException} subclasses so the engine can decide what to retry.
 */
public interface ObjectStore extends AutoCloseable {

  /** A short human description for messages, e.g. "swift container pkgs at http://...". */
  String describe();

  /**
   * Prepares the store for use: authenticates, creates the container/bucket/directory when
   * missing (carrying on when it exists but may not be created). Called once before transfers.
   *
   * @throws AuthException credentials missing or rejected
   * @throws StoreException anything else (unreachable, not allowed, ...)
   */
  void prepare() throws IOException;

  /**
   * Like {@link #prepare} for a run that only reads (retrieve): a missing container, bucket or
   * directory is a {@link StoreException} naming it and is never created, so a mistyped name in a
   * server's config fails once and clearly instead of creating an empty container in which every
   * object is missing. Stores that cannot tell keep the default.
   */
  default void prepareForReading() throws IOException {
    prepare();
  }

  /** Metadata of one object, or empty when it does not exist. */
  Optional<ObjectInfo> stat(String key) throws IOException;

  /**
   * True when {@link #stat} is a local system call rather than a request: then checking many keys
   * one by one is cheaper than a listing (which reads every directory of the store's fan-out).
   */
  default boolean cheapStat() {
    return false;
  }

  /**
   * All objects whose key starts with {@code prefix}, in one pass (implementations page
   * internally). Used instead of one {@link #stat} per object when many keys are checked.
   */
  List<ObjectInfo> list(String prefix) throws IOException;

  /**
   * Stores the whole file under {@code key}, replacing any object there, and reports what the
   * server said about the bytes it stored ({@link PutResult}): the engine checks those facts and
   * deletes and re-sends a damaged copy. A store whose protocol verifies the bytes itself (S3's
   * Content-MD5) or that copies locally returns {@link PutResult#unchecked}.
   */
  PutResult put(String key, Path source, PutMeta meta) throws IOException;

  /**
   * Opens the object's bytes starting at {@code offset} (0 for the whole object; a positive
   * offset is a ranged read used to resume a download).
   *
   * @throws ObjectNotFoundException when the key does not exist
   */
  InputStream open(String key, long offset) throws IOException;

  /** Deletes the object; deleting a missing object is not an error. */
  void delete(String key) throws IOException;

  /**
   * What this store had to create because it did not exist (a container, a bucket, a directory),
   * each named for a message: a typo in a name otherwise goes unnoticed until retrieve finds
   * nothing. Empty by default.
   */
  default List<String> created() {
    return List.of();
  }

  /**
   * Deletes the object and the parts it is assembled from (Swift: an SLO manifest with its
   * segments). Used by gc; deleting a missing object is not an error. Stores without parts keep
   * the default.
   */
  default void deleteWithParts(String key) throws IOException {
    delete(key);
  }

  /**
   * Parts of objects whose key starts with {@code prefix} that the store holds besides the
   * objects themselves: SLO segments (of live, replaced or abandoned uploads), unfinished S3
   * multipart uploads. One pass, like {@link #list}. Stores without parts return none.
   */
  default List<StoredPart> listParts(String prefix) throws IOException {
    return List.of();
  }

  /** Deletes one part listed by {@link #listParts} (a missing one is not an error). */
  default void deletePart(StoredPart part) throws IOException {}

  @Override
  default void close() throws IOException {}
}
