package org.pantri.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Optional capability: an object assembled from parts uploaded independently (Swift SLO, S3
 * multipart). The transfer engine splits files larger than {@link #partSize()} and uploads the
 * parts in parallel; stores that lack this capability get whole-file {@link ObjectStore#put}.
 */
public interface MultipartStore extends ObjectStore {

  /** Files larger than this are uploaded in parts of this size. */
  long partSize();

  /**
   * The part size for one file of {@code fileSize} bytes: {@link #partSize()} unless the store
   * caps the number of parts (S3: 1,000 or 10,000; Swift: max_manifest_segments) and a larger part
   * is needed. The engine splits by {@code new PartPlan(fileSize, partSize(fileSize))}.
   */
  default long partSize(long fileSize) {
    return partSize();
  }

  /**
   * Begins (or resumes) a multipart upload for {@code key}. A store that can find the parts of an
   * interrupted earlier upload of the same content reports them through
   * {@link MultipartUpload#storedParts()} so they are not sent again.
   */
  MultipartUpload startMultipart(String key, PutMeta meta) throws IOException;

  /** One multipart upload in progress. Methods other than complete/abort may run concurrently. */
  interface MultipartUpload {
    /** Parts (1-based number to its ETag) already stored by an earlier attempt. */
    Map<Integer, String> storedParts() throws IOException;

    /**
     * Uploads part {@code number} (1-based): {@code length} bytes of {@code file} at offset, one
     * part of the {@link PartPlan} of {@link #partSize(long)}. Returns what the server said (its
     * ETag is what {@link #complete} needs).
     */
    PutResult putPart(int number, Path file, long offset, long length) throws IOException;

    /** Removes a part the engine found damaged (best effort; a store that overwrites parts on re-upload need not). */
    default void discardPart(int number) {}

    /** Joins the parts (all numbers 1..n, with their ETags) into the final object. */
    void complete(Map<Integer, String> parts) throws IOException;

    /** Gives up; best effort (parts may stay for a later resume). */
    void abort();
  }
}
