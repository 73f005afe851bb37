package org.pantri.store;

/**
 * What a store learned while storing bytes: facts, not a verdict. The transfer engine compares
 * them and decides whether to keep the object, or to delete the bad copy and send it again.
 *
 * @param etag the server's entity tag for what it stored (for Swift the MD5 hex of the bytes it
 *     received), or null
 * @param sentMd5 MD5 hex of the bytes the store actually sent (computed as they were streamed),
 *     or null when they were not all sent
 * @param checkable true when {@code etag} must equal {@code sentMd5} for the copy to be good
 *     (Swift); false when the store has no such fact (a local copy; S3, whose server checks
 *     Content-MD5 itself and whose ETag is not always an MD5)
 */
public record PutResult(String etag, String sentMd5, boolean checkable) {
  /** Nothing to compare: the store's own protocol already guaranteed the bytes (or cannot tell). */
  public static PutResult unchecked(String etag) {
    return new PutResult(etag, null, false);
  }

  /** The server's MD5 ETag and the MD5 of what was sent: they must agree. */
  public static PutResult md5(String etag, String sentMd5) {
    return new PutResult(etag, sentMd5, true);
  }

  /** True when the facts show the stored bytes are not the bytes that were sent. */
  public boolean damaged() {
    return checkable && (sentMd5 == null || etag == null || !sentMd5.equalsIgnoreCase(etag.replace("\"", "")));
  }
}
