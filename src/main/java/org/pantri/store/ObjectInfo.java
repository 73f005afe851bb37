package org.pantri.store;

/**
 * What a store knows about one object.
 *
 * @param key the object key
 * @param size size in bytes
 * @param mtimeSeconds the source file's mtime recorded at upload (seconds since the epoch), or -1
 *     when the store did not say (e.g. a listing without user metadata)
 * @param etag the backend's entity tag (often an MD5 hex), or null
 * @param storedAtSeconds when the store wrote the object (seconds since the epoch, the store's
 *     clock: Swift's last_modified, S3's LastModified, the fs store's ctime), or -1 when unknown.
 *     gc keeps objects younger than its grace period by this time.
 */
public record ObjectInfo(String key, long size, long mtimeSeconds, String etag, long storedAtSeconds) {

  /** Without the stored-at time (unknown). */
  public ObjectInfo(String key, long size, long mtimeSeconds, String etag) {
    this(key, size, mtimeSeconds, etag, -1);
  }
}
