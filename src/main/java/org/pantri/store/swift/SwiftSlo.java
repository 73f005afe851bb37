package org.pantri.store.swift;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.pantri.store.MultipartStore;
import org.pantri.store.PartPlan;
import org.pantri.store.PutMeta;
import org.pantri.store.PutResult;
import org.pantri.store.StoreException;

/**
 * One Static Large Object upload. Segments go to the segment container under a name fixed by the
 * container, key, content hash and part size, so an interrupted upload of the same content finds
 * its segments again and a different content or part size never mixes with them:
 * {@code <container>/<key>/slo/<sha256>/<partSize>/<00000001>}.
 *
 * <p>Segments of an object that is later replaced, or of an upload that is abandoned, stay in the
 * segment container: deleting them safely would need to know that no other manifest (another
 * container sharing the segment container, a concurrent uploader) still points at them.
 */
final class SwiftSlo implements MultipartStore.MultipartUpload {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Swift's max_object_name_length default. */
  private static final int MAX_NAME = 1024;

  private final SwiftStore store;
  private final String key;
  private final PutMeta meta;
  private final String prefix;
  private final PartPlan plan;

  SwiftSlo(SwiftStore store, String key, PutMeta meta) throws StoreException {
    if (meta.sha256() == null || !meta.sha256().matches("[0-9a-fA-F]{64}")) {
      throw new StoreException("a multipart upload of '" + key + "' needs the content's SHA-256");
    }
    this.store = store;
    this.key = key;
    this.meta = meta;
    this.plan = new PartPlan(meta.size(), store.partSize(meta.size()));
    String tail = "/slo/" + meta.sha256().toLowerCase() + "/" + plan.partSize() + "/";
    String p = store.container() + "/" + key + tail;
    if (p.getBytes(StandardCharsets.UTF_8).length + 8 > MAX_NAME) {
      p = store.container() + "/" + sha256(key) + tail; // very long keys: keep names legal
    }
    this.prefix = p;
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  String segmentName(int number) {
    return prefix + String.format("%08d", number);
  }

  int partCount() {
    return plan.count();
  }

  long partLength(int number) {
    return plan.length(number);
  }

  @Override
  public Map<Integer, String> storedParts() throws IOException {
    Map<Integer, String> found = new TreeMap<>();
    // At most max_manifest_segments (1000) segments: one listing request covers them all.
    for (JsonNode n : store.listPage(store.segmentContainer(), prefix, null, SwiftStore.LISTING_LIMIT)) {
      String name = n.path("name").asText();
      String num = name.substring(prefix.length());
      if (!num.matches("\\d{8}")) {
        continue;
      }
      int number = Integer.parseInt(num);
      if (number >= 1 && number <= partCount() && n.path("bytes").asLong() == partLength(number)
          && n.hasNonNull("hash")) {
        found.put(number, n.get("hash").asText());
      }
    }
    return found;
  }

  /** The file the parts come from: its exact mtime goes into the manifest's X-Object-Meta-Mtime. */
  private volatile Path source;

  @Override
  public PutResult putPart(int number, Path file, long offset, long length) throws IOException {
    source = file;
    return putPartOf(number, file, offset, length);
  }

  private PutResult putPartOf(int number, Path file, long offset, long length) throws IOException {
    if (!plan.matches(number, offset, length)) {
      throw new StoreException("part " + number + " of '" + key + "' (offset " + offset + ", " + length
          + " bytes) does not match part size " + plan.partSize() + " and object size " + meta.size());
    }
    return store.upload(store.segmentContainer(), segmentName(number), new FileRangeBody(file, offset, length),
        "upload of segment " + number + " of '" + key + "'");
  }

  @Override
  public void discardPart(int number) {
    store.deleteQuietly(store.segmentContainer(), segmentName(number));
  }

  @Override
  public void complete(Map<Integer, String> parts) throws IOException {
    int n = partCount();
    if (parts.size() != n) {
      throw new StoreException("cannot complete '" + key + "': have " + parts.size() + " of " + n + " segments");
    }
    ArrayNode manifest = JSON.createArrayNode();
    for (int i = 1; i <= n; i++) {
      String etag = parts.get(i);
      if (etag == null) {
        throw new StoreException("cannot complete '" + key + "': segment " + i + " is missing");
      }
      manifest.addObject()
          .put("path", "/" + store.segmentContainer() + "/" + segmentName(i))
          .put("etag", etag.replace("\"", ""))
          .put("size_bytes", partLength(i));
    }
    byte[] body = JSON.writeValueAsBytes(manifest);
    String what = "manifest upload of '" + key + "'";
    try (SwiftHttp.Resp r = store.exec("PUT", SwiftStore.objectPath(store.container(), key) + "?multipart-manifest=put",
        SwiftHttp.bytes(body), store.timeout(), what,
        "Content-Type", "application/octet-stream",
        "X-Object-Meta-Mtime", SwiftStore.mtimeHeader(source, meta),
        "X-Object-Meta-Sha256", meta.sha256())) {
      if (r.status() == 400) {
        // Swift checked each segment's etag and size; a mismatch means a segment changed.
        String text = r.errorText();
        throw new StoreException("Swift refused the manifest of '" + key + "': " + text
            + (text.contains("segments must be") ? " (raise segment_size so that fewer segments are needed)" : ""));
      }
      if (!r.ok()) {
        throw SwiftHttp.statusError(r, what, store.container(), store.describe());
      }
    }
  }

  @Override
  public void abort() {
    // Nothing to do: the segments stay so that the next attempt resumes from them.
  }
}
