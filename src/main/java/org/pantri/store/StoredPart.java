package org.pantri.store;

/**
 * Storage a store holds for an object key that is not the object itself: a Swift SLO segment,
 * an S3 multipart upload that was never completed or aborted. Listed by
 * {@link ObjectStore#listParts} so that gc can remove those of collected or abandoned objects.
 *
 * @param ownerKey the object key the part belongs to
 * @param id what the store needs to delete it (segment name, upload id)
 * @param size bytes, or -1 when the listing does not say
 * @param storedAtSeconds when it was written or started (the store's clock), or -1 when unknown
 */
public record StoredPart(String ownerKey, String id, long size, long storedAtSeconds) {}
