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

  /**
   * The settings that decide which store objects go to; shelves sharing them share a store. Every
   * store-specific key counts (the core does not know which of them matter to the store).
   */
  public String storeIdentity() {
    StringBuilder sb = new StringBuilder().append(objectStore).append('|').append(storageUrl).append('|')
        .append(authUrl).append('|').append(container).append('|').append(segmentSize);
    new java.util.TreeMap<>(raw).forEach((k, v) -> {
      if (!Config.CORE_KEYS.contains(k)) {
        sb.append('|').append(k).append('=').append(v);
      }
    });
    return sb.toString();
  }
}
