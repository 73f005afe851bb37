package org.pantri.repo;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The options in force for one shelf, merged CLI > shelf section > [default] section > built-in.
 *
 * @param raw every option as a string, for store-specific keys (e.g. s3_region)
 */
public record Options(
    String objectStore,
    String storageUrl,
    String authUrl,
    String container,
    List<String> ignorePatterns,
    List<String> binaryOverrides,
    Path destSync,
    boolean checksum,
    Layout layout,
    long segmentSize,
    int jobs,
    int retries,
    Map<String, String> raw) {

  /** The settings that decide which store objects go to; shelves sharing them share a store. */
  public String storeIdentity() {
    return objectStore + "|" + storageUrl + "|" + authUrl + "|" + container + "|" + segmentSize
        + "|" + raw.getOrDefault("segment_container", "") + "|" + raw.getOrDefault("s3_region", "");
  }
}
