package org.pantri.store;

/**
 * What a store knows about one object.
 *
 * @param key the object key
 * @param size size in bytes
 * @param mtimeSeconds the source file's mtime recorded at upload (seconds since the epoch), or -1
 *     when the store did not say (e.g. a listing without user metadata)
 * @param etag the backend's entity tag (often an MD5 hex), or null
 */
public record ObjectInfo(String key, long size, long mtimeSeconds, String etag) {}
