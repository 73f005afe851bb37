package org.pantri.store.swift;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.pantri.store.AuthException;
import org.pantri.store.CredentialsExpiredException;
import org.pantri.store.Reauthenticating;
import org.pantri.store.Keys;
import org.pantri.store.MultipartStore;
import org.pantri.store.ObjectInfo;
import org.pantri.store.ObjectNotFoundException;
import org.pantri.store.PartPlan;
import org.pantri.store.PutMeta;
import org.pantri.store.PutResult;
import org.pantri.store.StoreException;
import org.pantri.store.StoredPart;
import org.pantri.store.StoreSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenStack Swift over its REST API. Whole files are single PUTs whose MD5 is checked against
 * Swift's ETag; files above {@link #partSize()} become Static Large Objects (see {@link SwiftSlo}).
 * Every request carries the current token; a 401 is a {@link CredentialsExpiredException}, and the
 * engine asks for one shared re-authentication ({@link Reauthenticating}) and repeats the call.
 */
final class SwiftStore implements MultipartStore, Reauthenticating {
  static final long DEFAULT_SEGMENT_SIZE = 4L << 30;
  static final int LISTING_LIMIT = 10_000;
  /** Swift's default max_manifest_segments, assumed when /info does not say. */
  static final int DEFAULT_MAX_SEGMENTS = 1000;
  private static final Logger LOG = LoggerFactory.getLogger(SwiftStore.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final StoreSettings settings;
  private final String container;
  private final String segmentContainer;
  private final long partSize;
  private final Duration timeout;
  private final boolean etagHeader;
  private final SwiftAuthenticator auth;
  private volatile boolean segmentContainerReady;
  private volatile Integer maxSegments;

  public SwiftStore(StoreSettings settings) throws StoreException {
    this.settings = settings;
    this.container = settings.container();
    if (container == null || container.isBlank() || container.contains("/")) {
      throw new StoreException("the swift store needs object_store_container: a container name without '/'");
    }
    this.segmentContainer = settings.option("segment_container", "segments");
    this.partSize = settings.segmentSize() > 0 ? settings.segmentSize() : DEFAULT_SEGMENT_SIZE;
    this.timeout = Duration.ofSeconds(positive(settings.option("swift_timeout", "60"), "swift_timeout"));
    String check = settings.option("swift_etag_check", "stream");
    if (!check.equals("stream") && !check.equals("header")) {
      throw new StoreException("swift_etag_check must be 'stream' or 'header', not '" + check + "'");
    }
    this.etagHeader = check.equals("header");
    this.auth = new SwiftAuthenticator(settings, timeout);
  }

  private static long positive(String v, String name) throws StoreException {
    try {
      long n = Long.parseLong(v.trim());
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // fall through to the message
    }
    throw new StoreException(name + " must be a positive number of seconds, not '" + v + "'");
  }

  String container() {
    return container;
  }

  String segmentContainer() {
    return segmentContainer;
  }

  SwiftAuthenticator authenticator() {
    return auth;
  }

  @Override
  public String describe() {
    String where = settings.storageUrl() != null ? settings.storageUrl() : settings.authUrl();
    return "swift container '" + container + "'" + (where == null ? "" : " at " + SwiftUrls.printable(where));
  }

  @Override
  public long partSize() {
    return partSize;
  }

  /**
   * {@link #partSize()}, raised (to whole KiB) when the file would need more segments than one
   * manifest may list on this cluster ({@link #maxSegments()}): better larger segments than 1,500
   * uploaded segments and a refused manifest.
   */
  @Override
  public long partSize(long fileSize) {
    if (fileSize <= partSize) {
      return partSize;
    }
    int max = maxSegments();
    long fit = PartPlan.fit(fileSize, partSize, max, 1024);
    if (fit != partSize) {
      LOG.info("{} bytes in segments of {} bytes would be more than the {} segments a manifest may list at {};"
          + " using segments of {} bytes", fileSize, partSize, max, SwiftUrls.printable(infoUrl()), fit);
    }
    return fit;
  }

  /**
   * The most segments one manifest may list: the smaller of {@code slo.max_manifest_segments}
   * and {@code swift.max_manifest_segments} from the cluster's {@code GET /info}, read once when
   * first needed; Swift's default (1,000) when /info is disabled or unreadable.
   */
  int maxSegments() {
    Integer m = maxSegments;
    if (m == null) {
      synchronized (this) {
        if (maxSegments == null) {
          maxSegments = readMaxSegments();
        }
        m = maxSegments;
      }
    }
    return m;
  }

  private String infoUrl() {
    try {
      java.net.URI u = V1Auth.uri(auth.session().storageUrl());
      String path = u.getRawPath() == null ? "" : u.getRawPath();
      int v1 = path.indexOf("/v1/");
      String base = v1 >= 0 ? path.substring(0, v1) : "";
      return u.getScheme() + "://" + u.getRawAuthority() + base + "/info";
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private int readMaxSegments() {
    String info = infoUrl();
    if (info != null) {
      try (SwiftHttp.Resp r = SwiftHttp.send(new SwiftHttp.Request("GET", V1Auth.uri(info)).timeout(timeout),
          "GET /info")) {
        if (r.ok()) {
          JsonNode n = JSON.readTree(r.body());
          int max = Integer.MAX_VALUE;
          for (String section : List.of("slo", "swift")) {
            JsonNode v = n.path(section).path("max_manifest_segments");
            if (v.canConvertToInt() && v.asInt() > 0) {
              max = Math.min(max, v.asInt());
            }
          }
          if (max != Integer.MAX_VALUE) {
            LOG.debug("{}: at most {} segments per manifest", info, max);
            return max;
          }
        } else {
          LOG.debug("{} answered HTTP {}", info, r.status());
        }
      } catch (IOException | RuntimeException e) {
        LOG.debug("could not read {}: {}", info, e.getMessage());
      }
    }
    return DEFAULT_MAX_SEGMENTS;
  }

  // ---- prepare / container ----

  @Override
  public void prepare() throws IOException {
    prepare(true);
  }

  @Override
  public void prepareForReading() throws IOException {
    prepare(false);
  }

  private void prepare(boolean create) throws IOException {
    int status = -1;
    SwiftSession candidate = auth.candidate();
    if (candidate != null) {
      status = SwiftAuthenticator.headStatus(candidate, container, timeout);
      if (status == 401) {
        LOG.debug("cached/env Swift token rejected, authenticating again");
        auth.reauthenticate(candidate);
      } else {
        auth.accept(candidate);
      }
    }
    if (candidate == null || status == 401) {
      SwiftSession s = auth.session();
      status = SwiftAuthenticator.headStatus(s, container, timeout);
      if (status == 401) {
        throw new AuthException("Swift rejected a token it had just issued for " + SwiftUrls.printable(s.storageUrl())
            + "; check that storage_url belongs to the account of the user you authenticate as");
      }
    }
    ensureContainer(container, status, create);
  }

  /** Makes sure the container exists, creating it when missing and {@code create}. */
  private void ensureContainer(String name, int headStatus, boolean create) throws IOException {
    String what = "HEAD of container '" + name + "'";
    if (headStatus >= 200 && headStatus < 300) {
      return;
    }
    if (headStatus == 403) {
      throw new StoreException("permission missing: Swift refused access to container '" + name + "' at "
          + url("") + " (HTTP 403); ask the account admin to grant this user read/write access");
    }
    if (headStatus != 404) {
      try (SwiftHttp.Resp r = exec("HEAD", "/" + SwiftUrls.component(name), null, timeout, what)) {
        if (r.status() == 404) {
          headStatus = 404;
        } else if (!r.ok()) {
          throw SwiftHttp.statusError(r, what, name, url(""));
        } else {
          return;
        }
      }
    }
    if (!create) {
      throw new StoreException("container '" + name + "' does not exist at " + url("")
          + "; check object_store_container (retrieve never creates containers)");
    }
    String put = "creation of container '" + name + "'";
    try (SwiftHttp.Resp r = exec("PUT", "/" + SwiftUrls.component(name), null, timeout, put)) {
      if (r.ok()) {
        LOG.debug("created Swift container {}", name);
        created.add("swift container '" + name + "' at " + url(""));
        return;
      }
      if (r.status() == 403 || r.status() == 404) {
        // maybe someone with more rights created it meanwhile: carry on if it exists now
        try (SwiftHttp.Resp h = exec("HEAD", "/" + SwiftUrls.component(name), null, timeout, what)) {
          if (h.ok()) {
            return;
          }
        }
        throw new StoreException("container '" + name + "' does not exist and could not be created at " + url("")
            + " (HTTP " + r.status() + ": this user may not create containers); ask the account admin to create it");
      }
      throw SwiftHttp.statusError(r, put, name, url(""));
    }
  }

  private final List<String> created = new java.util.concurrent.CopyOnWriteArrayList<>();

  @Override
  public List<String> created() {
    return List.copyOf(created);
  }

  void ensureSegmentContainer() throws IOException {
    if (segmentContainerReady) {
      return;
    }
    int status;
    try (SwiftHttp.Resp r = exec("HEAD", "/" + SwiftUrls.component(segmentContainer), null, timeout,
        "HEAD of container '" + segmentContainer + "'")) {
      status = r.status();
    }
    ensureContainer(segmentContainer, status, true);
    segmentContainerReady = true;
  }

  // ---- request plumbing ----

  private String url(String rel) {
    SwiftSession s;
    try {
      s = auth.session();
    } catch (IOException e) {
      return describe();
    }
    return SwiftUrls.printable(s.storageUrl() + rel);
  }

  /**
   * Sends one request with the current token. A 401 is reported as a
   * {@link CredentialsExpiredException} naming the session, for the engine to re-authenticate
   * ({@link #reauthenticate}) and repeat the call once.
   */
  SwiftHttp.Resp exec(String method, String rel, SwiftHttp.Body body, Duration t,
      String what, String... headers) throws IOException {
    SwiftSession s = auth.session();
    SwiftHttp.Request req = new SwiftHttp.Request(method, V1Auth.uri(s.storageUrl() + rel))
        .header("X-Auth-Token", s.token()).body(body).timeout(t);
    for (int i = 0; i + 1 < headers.length; i += 2) {
      req.header(headers[i], headers[i + 1]);
    }
    SwiftHttp.Resp r;
    try {
      r = SwiftHttp.send(req, what);
    } catch (SwiftHttp.BodyNotSentException e) {
      // Swift may have refused the token before reading the body; one HEAD tells.
      if (SwiftAuthenticator.headStatus(s, container, timeout) != 401) {
        throw e;
      }
      throw expired(s, what + " (connection closed while sending)");
    }
    if (r.status() != 401) {
      return r;
    }
    r.close();
    throw expired(s, what);
  }

  private static CredentialsExpiredException expired(SwiftSession s, String what) {
    LOG.debug("token rejected during {}", what);
    return new CredentialsExpiredException("Swift rejected the token for " + what + " at "
        + SwiftUrls.printable(s.storageUrl()) + " (HTTP 401)", s);
  }

  /** Logs in again unless another thread already replaced {@code expired}: one login for all. */
  @Override
  public void reauthenticate(Object expired) throws IOException {
    auth.reauthenticate(expired instanceof SwiftSession s ? s : null);
  }

  static String objectPath(String container, String key) {
    return "/" + SwiftUrls.component(container) + "/" + SwiftUrls.path(key);
  }

  // ---- objects ----

  @Override
  public Optional<ObjectInfo> stat(String key) throws IOException {
    Keys.check(key);
    String what = "HEAD of object '" + key + "'";
    try (SwiftHttp.Resp r = exec("HEAD", objectPath(container, key), null, timeout, what)) {
      if (r.status() == 404) {
        return Optional.empty();
      }
      if (!r.ok()) {
        throw SwiftHttp.statusError(r, what, container, url(""));
      }
      long size = r.header("Content-Length").map(Long::parseLong).orElse(-1L);
      long mtime = r.header("X-Object-Meta-Mtime").map(SwiftStore::parseMtime).orElse(-1L);
      String etag = r.header("Etag").map(e -> e.replace("\"", "")).orElse(null);
      return Optional.of(new ObjectInfo(key, size, mtime, etag));
    }
  }

  /** python-swiftclient writes the mtime as a float string ("1500000000.000000"). */
  static long parseMtime(String v) {
    try {
      return (long) Math.floor(Double.parseDouble(v.trim()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  static String formatMtime(long seconds) {
    return String.format(Locale.ROOT, "%d.000000", seconds);
  }

  /**
   * X-Object-Meta-Mtime exactly as python-swiftclient writes it ({@code "%f" % getmtime(path)}),
   * so the original tool (and {@code swift upload --changed}) sees an unchanged file as unchanged;
   * whole seconds when the file is gone or no longer has the mtime the upload was planned with.
   */
  static String mtimeHeader(Path source, PutMeta meta) {
    try {
      java.nio.file.attribute.FileTime t = java.nio.file.Files.getLastModifiedTime(source);
      if (source != null && org.pantri.store.FileTimes.pythonSeconds(t) == meta.mtimeSeconds()) {
        return org.pantri.store.FileTimes.swiftclientMtime(t);
      }
    } catch (IOException | RuntimeException e) {
      // fall back to the planned whole seconds
    }
    return formatMtime(meta.mtimeSeconds());
  }

  @Override
  public List<ObjectInfo> list(String prefix) throws IOException {
    List<ObjectInfo> out = new ArrayList<>();
    String marker = null;
    while (true) {
      List<JsonNode> page = listPage(container, prefix, marker, LISTING_LIMIT);
      for (JsonNode n : page) {
        out.add(new ObjectInfo(n.path("name").asText(), n.path("bytes").asLong(), -1,
            n.hasNonNull("hash") ? n.get("hash").asText() : null, lastModified(n)));
        if (n.has("slo_etag")) {
          listedSlo.add(n.path("name").asText()); // Swift marks SLO manifests in listings
        } else {
          listedSlo.remove(n.path("name").asText());
        }
      }
      if (page.size() < LISTING_LIMIT) {
        listedPrefixes.add(prefix);
        return out;
      }
      marker = page.get(page.size() - 1).path("name").asText();
    }
  }

  /**
   * What listings showed, for {@link #deleteWithParts}: the SLO manifests (few: large files only)
   * among the keys under the prefixes listed completely.
   */
  private final java.util.Set<String> listedSlo = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final java.util.Set<String> listedPrefixes = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** A listing entry's last_modified ("2026-12-02T03:26:30.123456", UTC) in seconds, or -1. */
  static long lastModified(JsonNode n) {
    String v = n.path("last_modified").asText("");
    if (v.isEmpty()) {
      return -1;
    }
    try {
      return java.time.LocalDateTime.parse(v).toEpochSecond(java.time.ZoneOffset.UTC);
    } catch (java.time.format.DateTimeParseException e) {
      return -1;
    }
  }

  /**
   * Deletes an object and, when it is a Static Large Object, its segments
   * ({@code ?multipart-manifest=delete}; Swift answers "Not an SLO manifest" for a plain object,
   * which then gets a plain DELETE: two requests).
   */
  @Override
  public void deleteWithParts(String key) throws IOException {
    Keys.check(key);
    if (!listedSlo.contains(key) && listedPrefixes.stream().anyMatch(key::startsWith)) {
      // A listing showed it without slo_etag: a plain object, one DELETE. (A Swift too old to mark
      // manifests leaves an SLO's segments behind here; gc collects them as parts.)
      delete(key);
      return;
    }
    String what = "delete of '" + key + "' with its segments";
    try (SwiftHttp.Resp r = exec("DELETE", objectPath(container, key) + "?multipart-manifest=delete", null, timeout,
        what, "Accept", "application/json")) {
      if (!r.ok() && r.status() != 404) {
        throw SwiftHttp.statusError(r, what, container, url(""));
      }
      if (r.status() == 200) {
        // An SLO delete answers 200 with a bulk-delete report; errors inside it mean segments stayed.
        JsonNode rep;
        try {
          rep = JSON.readTree(r.body());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          rep = null;
        }
        if (rep != null && rep.path("Errors").isArray() && rep.path("Errors").size() > 0) {
          if (rep.path("Errors").toString().contains("Not an SLO manifest")) {
            delete(key); // a plain object: Swift refuses the SLO delete, a plain DELETE removes it
            return;
          }
          throw new StoreException(what + " left segments behind: " + rep.path("Errors"));
        }
      }
    }
  }

  /**
   * SLO segments of objects under {@code prefix}: segment names are
   * {@code <container>/<key>/slo/<sha256>/<partSize>/<n>} in the segment container (see
   * {@link SwiftSlo}), so the owner key is the part between the container and "/slo/".
   */
  @Override
  public List<StoredPart> listParts(String prefix) throws IOException {
    List<StoredPart> out = new ArrayList<>();
    String full = container + "/" + prefix;
    String marker = null;
    while (true) {
      List<JsonNode> page;
      try {
        page = listPage(segmentContainer, full, marker, LISTING_LIMIT);
      } catch (StoreException e) {
        if (e.getMessage() != null && e.getMessage().contains("does not exist")) {
          return out; // no segment container: no segments
        }
        throw e;
      }
      for (JsonNode n : page) {
        String name = n.path("name").asText();
        int slo = name.indexOf("/slo/", container.length() + 1);
        if (name.startsWith(container + "/") && slo > 0) {
          out.add(new StoredPart(name.substring(container.length() + 1, slo), name, n.path("bytes").asLong(-1),
              lastModified(n)));
        }
      }
      if (page.size() < LISTING_LIMIT) {
        return out;
      }
      marker = page.get(page.size() - 1).path("name").asText();
    }
  }

  @Override
  public void deletePart(StoredPart part) throws IOException {
    String what = "delete of segment '" + part.id() + "'";
    try (SwiftHttp.Resp r = exec("DELETE", objectPath(segmentContainer, part.id()), null, timeout, what)) {
      if (!r.ok() && r.status() != 404) {
        throw SwiftHttp.statusError(r, what, segmentContainer, url(""));
      }
    }
  }

  /** One listing request; an empty list when the container does not exist and {@code missingOk}. */
  List<JsonNode> listPage(String cont, String prefix, String marker, int limit) throws IOException {
    StringBuilder q = new StringBuilder("/").append(SwiftUrls.component(cont))
        .append("?format=json&limit=").append(limit);
    if (prefix != null && !prefix.isEmpty()) {
      q.append("&prefix=").append(SwiftUrls.component(prefix));
    }
    if (marker != null) {
      q.append("&marker=").append(SwiftUrls.component(marker));
    }
    String what = "listing of container '" + cont + "'";
    try (SwiftHttp.Resp r = exec("GET", q.toString(), null, timeout, what, "Accept", "application/json")) {
      if (r.status() == 204) {
        return List.of();
      }
      if (r.status() == 404) {
        throw new StoreException("container '" + cont + "' does not exist at " + url("") + " (listing failed)");
      }
      if (!r.ok()) {
        throw SwiftHttp.statusError(r, what, cont, url(""));
      }
      JsonNode arr = JSON.readTree(r.body());
      List<JsonNode> page = new ArrayList<>();
      if (arr != null) {
        arr.forEach(page::add);
      }
      return page;
    }
  }

  @Override
  public PutResult put(String key, Path source, PutMeta meta) throws IOException {
    Keys.check(key);
    return upload(container, key, new FileRangeBody(source, 0, meta.size()), "upload of '" + key + "'",
        "X-Object-Meta-Mtime", mtimeHeader(source, meta), "X-Object-Meta-Sha256", meta.sha256());
  }

  /**
   * PUTs a file range and reports Swift's ETag with the MD5 of what was sent, for the engine to
   * compare. In the default "stream" mode the MD5 is computed while sending (one read of the
   * file); in "header" mode it is computed first and sent as the ETag header, so Swift itself
   * refuses a damaged body with 422 (two reads of the file).
   */
  PutResult upload(String cont, String name, FileRangeBody body, String what, String... meta) throws IOException {
    String expected = etagHeader ? body.computeMd5() : null;
    List<String> headers = new ArrayList<>(List.of(meta));
    if (expected != null) {
      headers.add("ETag");
      headers.add(expected);
    }
    try (SwiftHttp.Resp r = exec("PUT", objectPath(cont, name), body, timeout, what,
        headers.toArray(String[]::new))) {
      if (r.status() == 404) {
        throw new StoreException("container '" + cont + "' does not exist at " + url("") + " (" + what + " failed)");
      }
      if (!r.ok()) {
        throw SwiftHttp.statusError(r, what, cont, url(""));
      }
      String etag = r.header("Etag").map(e -> e.replace("\"", "")).orElse(null);
      return PutResult.md5(etag, expected != null ? expected : body.sentMd5());
    }
  }

  void deleteQuietly(String cont, String name) {
    try (SwiftHttp.Resp r = exec("DELETE", objectPath(cont, name), null, timeout, "delete of '" + name + "'")) {
      LOG.debug("removed damaged upload {} (HTTP {})", name, r.status());
    } catch (IOException e) {
      LOG.debug("could not remove damaged upload {}: {}", name, e.getMessage());
    }
  }

  @Override
  public InputStream open(String key, long offset) throws IOException {
    Keys.check(key);
    String what = "download of '" + key + "'";
    String[] range = offset > 0 ? new String[] {"Range", "bytes=" + offset + "-"} : new String[0];
    // Only the time to the response headers is bounded here; the body is a live stream.
    SwiftHttp.Resp r = exec("GET", objectPath(container, key), null, timeout, what, range);
    if (r.status() == 404) {
      r.close();
      throw new ObjectNotFoundException(key, describe());
    }
    if (r.status() == 416) {
      r.close();
      return InputStream.nullInputStream(); // offset == size: nothing left to read
    }
    if (!r.ok()) {
      throw SwiftHttp.statusError(r, what, container, url(""));
    }
    InputStream in = r.body();
    if (offset > 0 && r.status() == 200) {
      in.skipNBytes(offset); // the server ignored the Range header
    }
    return in;
  }

  @Override
  public void delete(String key) throws IOException {
    Keys.check(key);
    String what = "delete of '" + key + "'";
    try (SwiftHttp.Resp r = exec("DELETE", objectPath(container, key), null, timeout, what)) {
      if (!r.ok() && r.status() != 404) {
        throw SwiftHttp.statusError(r, what, container, url(""));
      }
    }
  }

  @Override
  public MultipartUpload startMultipart(String key, PutMeta meta) throws IOException {
    Keys.check(key);
    ensureSegmentContainer();
    return new SwiftSlo(this, key, meta);
  }

  Duration timeout() {
    return timeout;
  }

  @Override
  public String toString() {
    return describe();
  }
}
