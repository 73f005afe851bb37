package org.pantri.store;

/**
 * Facts about the bytes being stored, known before the upload.
 *
 * @param size size in bytes
 * @param mtimeSeconds the source file's mtime (seconds), stored as metadata where the backend can
 * @param sha256 lowercase hex SHA-256 of the content, stored as metadata where the backend can
 */
public record PutMeta(long size, long mtimeSeconds, String sha256) {}
