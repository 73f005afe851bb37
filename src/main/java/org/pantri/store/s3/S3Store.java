package org.pantri.store.s3;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.pantri.store.AuthException;
import org.pantri.store.Keys;
import org.pantri.store.MultipartStore;
import org.pantri.store.ObjectInfo;
import org.pantri.store.ObjectNotFoundException;
import org.pantri.store.PartPlan;
import org.pantri.store.PutMeta;
import org.pantri.store.PutResult;
import org.pantri.store.RetryableStoreException;
import org.pantri.store.StoreException;
import org.pantri.store.StoreSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ListPartsResponse;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * Objects in an S3 bucket, on AWS or on an S3-compatible server (MinIO, Ceph RGW, Swift's s3api,
 * ...). Each object carries the source's mtime and SHA-256 as user metadata.
 *
 * <p>Choices, and why:
 *
 * <ul>
 *   <li><b>Credentials</b> come only from the environment the store was given (for tests) or the
 *       SDK's default chain (env, {@code AWS_PROFILE}, ~/.aws, SSO, container/instance roles),
 *       never from Pantri's committed config.
 *   <li><b>No SDK retries</b>: the transfer engine owns retries, backoff and progress, so the SDK
 *       makes one attempt and every failure is classified by {@link S3Errors}. SDK retries under
 *       the engine's retries would multiply attempts and hide the time spent.
 *   <li><b>Compatibility mode</b> ({@code s3_compat}, default on when {@code storage_url} names
 *       an endpoint): SDK 2.30+ sends uploads as {@code aws-chunked} bodies with CRC32 trailers,
 *       which many S3-compatible servers reject (Swift's s3api: 501). In this mode uploads are
 *       plain bodies, checksums are computed only where an API requires them, and integrity comes
 *       from Content-MD5, which every S3 implementation verifies. The MD5 is one extra read of the
 *       file before sending (measured ~3 ms CPU per MiB, about a third of a plain-HTTP PUT's
 *       client CPU) and always holds, whereas the SigV4 payload hash is only sent over plain HTTP
 *       and not every server checks it. Against AWS itself the SDK's default CRC32 trailer is
 *       verified by the server while streaming, so no extra MD5 pass is needed there.
 *   <li><b>Resume</b>: S3 does not return the metadata of in-progress multipart uploads, so each
 *       upload gets a tiny marker object under {@value #MARKER_PREFIX} holding the content's
 *       SHA-256; a later start for the same key and content finds the upload through
 *       ListMultipartUploads and the marker, and reuses the parts whose size fits.
 * </ul>
 */
final class S3Store implements MultipartStore {
  private static final Logger log = LoggerFactory.getLogger(S3Store.class);

  static final long MIB = 1024L * 1024;
  /** Default part size when segment_size is not set: few requests, modest memory in flight. */
  static final long DEFAULT_PART_SIZE = 64 * MIB;
  /** S3's smallest allowed part (all but the last). */
  static final long MIN_PART_SIZE = 5 * MIB;
  /** S3's largest allowed part. */
  static final long MAX_PART_SIZE = 5L * 1024 * MIB;
  /** Keys below this prefix are Pantri's multipart bookkeeping, hidden from {@link #list}. */
  static final String MARKER_PREFIX = ".pantri-mpu/";
  static final String META_MTIME = "mtime";
  static final String META_SHA256 = "sha256";
  private static final String META_KEY = "pantri-key";
  private static final String META_SIZE = "pantri-size";

  private final String bucket;
  private final URI endpoint;
  private final String region;
  private final boolean compat;
  private final long partSize;
  private final int maxParts;
  private final Duration connectTimeout;
  private final Duration socketTimeout;
  private final StoreSettings settings;
  private final String where;
  private volatile S3Client client;
  /** Closed with the client: the SDK leaves closing a caller-supplied provider to the caller. */
  private AwsCredentialsProvider credentials;

  public S3Store(StoreSettings settings) throws StoreException {
    this.settings = settings;
    String b = settings.container();
    if (b == null || b.isBlank()) {
      throw new StoreException(
          "the s3 store needs a bucket: set object_store_container to the bucket name");
    }
    this.bucket = b.trim();
    String url = settings.storageUrl();
    if (url == null || url.isBlank()) {
      this.endpoint = null;
    } else {
      try {
        URI u = URI.create(url.trim());
        if (u.getScheme() == null || u.getHost() == null
            || !(u.getScheme().equals("http") || u.getScheme().equals("https"))) {
          throw new IllegalArgumentException("not an http(s) URL");
        }
        this.endpoint = u;
      } catch (IllegalArgumentException e) {
        throw new StoreException(
            "storage_url '" + url + "' is not an http(s) URL of an S3 endpoint", e);
      }
    }
    String r = settings.option("s3_region", null);
    if (r == null) {
      r = settings.env("AWS_REGION");
    }
    if (r == null) {
      r = settings.env("AWS_DEFAULT_REGION");
    }
    this.region = r == null ? "us-east-1" : r.trim();
    this.compat = bool(settings.option("s3_compat", null), endpoint != null, "s3_compat");
    // Swift's s3api allows 1000 parts; AWS 10000. An unknown endpoint gets the safe lower bound.
    this.maxParts = (int) number(settings.option("s3_max_parts", null),
        endpoint == null ? 10_000 : 1_000, 1, 10_000, "s3_max_parts");
    long seg = settings.segmentSize() > 0 ? settings.segmentSize() : DEFAULT_PART_SIZE;
    this.partSize = Math.min(Math.max(seg, MIN_PART_SIZE), MAX_PART_SIZE);
    this.connectTimeout = Duration.ofSeconds(number(
        settings.option("s3_connect_timeout", null), 10, 1, 600, "s3_connect_timeout"));
    this.socketTimeout = Duration.ofSeconds(number(
        settings.option("s3_read_timeout", null), 60, 1, 3600, "s3_read_timeout"));
    this.where = "s3 bucket " + bucket + " at "
        + (endpoint == null ? "AWS region " + region : org.pantri.store.Endpoints.printable(endpoint.toString()));
  }

  private static boolean bool(String v, boolean dflt, String name) throws StoreException {
    if (v == null) {
      return dflt;
    }
    switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "true", "yes", "on", "1":
        return true;
      case "false", "no", "off", "0":
        return false;
      default:
        throw new StoreException(name + " must be true or false, not '" + v + "'");
    }
  }

  private static long number(String v, long dflt, long min, long max, String name)
      throws StoreException {
    if (v == null) {
      return dflt;
    }
    try {
      long n = Long.parseLong(v.trim());
      if (n < min || n > max) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new StoreException(name + " must be a whole number from " + min + " to " + max
          + ", not '" + v + "'");
    }
  }

  @Override
  public String describe() {
    return where;
  }

  public String bucket() {
    return bucket;
  }

  /** Whether uploads avoid aws-chunked/CRC trailers and use Content-MD5 instead. */
  public boolean compatMode() {
    return compat;
  }

  // ---------------------------------------------------------------- client

  AwsCredentialsProvider credentials() {
    String id = settings.env("AWS_ACCESS_KEY_ID");
    String secret = settings.env("AWS_SECRET_ACCESS_KEY");
    if (id != null && secret != null) {
      String token = settings.env("AWS_SESSION_TOKEN");
      return StaticCredentialsProvider.create(token == null
          ? AwsBasicCredentials.create(id, secret)
          : AwsSessionCredentials.create(id, secret, token));
    }
    DefaultCredentialsProvider.Builder b = DefaultCredentialsProvider.builder();
    String profile = settings.env("AWS_PROFILE");
    if (profile != null) {
      b.profileName(profile);
    }
    return b.build();
  }

  private S3Client client() {
    S3Client c = client;
    if (c == null) {
      synchronized (this) {
        c = client;
        if (c == null) {
          credentials = credentials();
          c = client = buildClient(credentials);
        }
      }
    }
    return c;
  }

  private S3Client buildClient(AwsCredentialsProvider creds) {
    long t0 = System.nanoTime();
    S3ClientBuilder b = S3Client.builder()
        .region(Region.of(region))
        .credentialsProvider(creds)
        .httpClient(UrlConnectionHttpClient.builder()
            .connectionTimeout(connectTimeout)
            .socketTimeout(socketTimeout)
            .build())
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
    if (endpoint != null) {
      // Non-AWS servers rarely support virtual-host bucket names (they need wildcard DNS).
      b.endpointOverride(endpoint).forcePathStyle(true);
    }
    if (compat) {
      b.serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
          .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
          .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    }
    S3Client c = b.build();
    log.debug("built S3 client for {} (compat={}) in {} ms", where, compat,
        (System.nanoTime() - t0) / 1_000_000);
    return c;
  }

  @Override
  public void prepare() throws IOException {
    prepare(true);
  }

  @Override
  public void prepareForReading() throws IOException {
    prepare(false);
  }

  private void prepare(boolean create) throws IOException {
    S3Client c = client();
    try {
      // Resolve first so a missing credential is reported as such, not as a failed request.
      credentials.resolveCredentials();
    } catch (SdkClientException e) {
      throw new AuthException(S3Errors.NO_CREDENTIALS, e);
    }
    try {
      c.headBucket(r -> r.bucket(bucket));
      log.debug("bucket {} exists", bucket);
      return;
    } catch (SdkException e) {
      if (!S3Errors.isNotFound(e)) {
        throw explainHeadBucket(c, e);
      }
    }
    if (!create) {
      throw new StoreException("bucket '" + bucket + "' does not exist at "
          + (endpoint == null ? "AWS region " + region : endpoint.toString())
          + "; check object_store_container (retrieve never creates buckets)");
    }
    createBucket(c);
  }

  /** HEAD responses have no body, so a 403 is re-asked with a GET to learn S3's error code. */
  private IOException explainHeadBucket(S3Client c, SdkException e) {
    SdkException cause = e;
    if (e instanceof AwsServiceException a && a.statusCode() == 403 && S3Errors.code(a) == null) {
      try {
        c.listObjectsV2(r -> r.bucket(bucket).maxKeys(1));
      } catch (SdkException e2) {
        cause = e2;
      }
    }
    IOException x = S3Errors.translate("opening the bucket", where, cause);
    if (cause instanceof AwsServiceException a && a.statusCode() == 403
        && !(x instanceof AuthException)) {
      // Some servers (Swift's s3api, AWS for other accounts' buckets) answer 403 whether or not
      // the bucket exists, so both possibilities are named.
      return new StoreException("access denied to bucket '" + bucket + "' at "
          + (endpoint == null ? "AWS region " + region : endpoint.toString())
          + " (HTTP 403 " + (S3Errors.code(a) == null ? "" : S3Errors.code(a)) + "): the bucket"
          + " does not exist and these credentials may not create it, or it exists and they may"
          + " not use it; Pantri needs s3:ListBucket, s3:GetObject, s3:PutObject,"
          + " s3:DeleteObject and the multipart actions on it", cause);
    }
    return x;
  }

  private final java.util.List<String> created = new java.util.concurrent.CopyOnWriteArrayList<>();

  @Override
  public java.util.List<String> created() {
    return java.util.List.copyOf(created);
  }

  private void createBucket(S3Client c) throws IOException {
    try {
      c.createBucket(r -> {
        r.bucket(bucket);
        // us-east-1 is the one region that must not be named as a location constraint.
        if (!region.equals("us-east-1")) {
          r.createBucketConfiguration(cfg -> cfg.locationConstraint(region));
        }
      });
      log.debug("created bucket {}", bucket);
      created.add(where);
    } catch (SdkException e) {
      // Someone may have created it meanwhile, or we may write to a bucket we may not create.
      try {
        c.headBucket(r -> r.bucket(bucket));
        return;
      } catch (SdkException ignored) {
        // it really is missing: report the creation failure, which says why
      }
      IOException x = S3Errors.translate("creating the bucket", where, e);
      if (x instanceof AuthException || x instanceof RetryableStoreException) {
        throw x;
      }
      throw new StoreException("bucket '" + bucket + "' does not exist and could not be created ("
          + x.getMessage() + "); create it or set object_store_container to an existing bucket",
          e);
    }
  }

  @Override
  public void close() {
    S3Client c;
    AwsCredentialsProvider p;
    synchronized (this) {
      c = client;
      p = credentials;
      client = null;
      credentials = null;
    }
    if (c != null) {
      c.close();
    }
    if (p instanceof AutoCloseable a) {
      try {
        a.close();
      } catch (Exception e) {
        log.debug("closing the credentials provider failed: {}", e.toString());
      }
    }
  }

  // ---------------------------------------------------------------- objects

  @Override
  public Optional<ObjectInfo> stat(String key) throws IOException {
    Keys.check(key);
    try {
      HeadObjectResponse h = client().headObject(r -> r.bucket(bucket).key(key));
      return Optional.of(new ObjectInfo(key, h.contentLength(), mtime(h.metadata()),
          unquote(h.eTag())));
    } catch (SdkException e) {
      if (S3Errors.isNotFound(e)) {
        return Optional.empty();
      }
      throw S3Errors.translate("HEAD " + key, where, e);
    }
  }

  private static long mtime(Map<String, String> meta) {
    String v = meta == null ? null : meta.get(META_MTIME);
    if (v == null) {
      return -1;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  static String unquote(String etag) {
    if (etag != null && etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
      return etag.substring(1, etag.length() - 1);
    }
    return etag;
  }

  @Override
  public List<ObjectInfo> list(String prefix) throws IOException {
    List<ObjectInfo> out = new ArrayList<>();
    boolean hideMarkers = !prefix.startsWith(MARKER_PREFIX);
    String token = null;
    try {
      do {
        ListObjectsV2Request.Builder req = ListObjectsV2Request.builder().bucket(bucket);
        if (!prefix.isEmpty()) {
          req.prefix(prefix);
        }
        if (token != null) {
          req.continuationToken(token);
        }
        ListObjectsV2Response page = client().listObjectsV2(req.build());
        for (S3Object o : page.contents()) {
          if (hideMarkers && o.key().startsWith(MARKER_PREFIX)) {
            continue;
          }
          // Listings carry no user metadata; the engine stats when it needs the mtime.
          out.add(new ObjectInfo(o.key(), o.size(), -1, unquote(o.eTag()),
              o.lastModified() == null ? -1 : o.lastModified().getEpochSecond()));
        }
        token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
      } while (token != null);
    } catch (SdkException e) {
      throw S3Errors.translate("LIST " + (prefix.isEmpty() ? "(all)" : prefix), where, e);
    }
    return out;
  }

  private static Map<String, String> userMeta(PutMeta meta) {
    Map<String, String> m = new HashMap<>();
    m.put(META_MTIME, Long.toString(meta.mtimeSeconds()));
    if (meta.sha256() != null) {
      m.put(META_SHA256, meta.sha256());
    }
    return m;
  }

  @Override
  public PutResult put(String key, Path source, PutMeta meta) throws IOException {
    Keys.check(key);
    long size = Files.size(source);
    if (size != meta.size()) {
      throw new StoreException(
          "source " + source + " has " + size + " bytes, expected " + meta.size());
    }
    String md5 = compat ? FileSlice.md5Base64(source, 0, size) : null;
    try (FileSlice body = new FileSlice(source, 0, size)) {
      // The server checked Content-MD5 (compat mode) or the SDK's checksum; the ETag is not
      // always an MD5 (SSE-KMS), so there is nothing more to compare.
      return PutResult.unchecked(unquote(client().putObject(r -> {
        r.bucket(bucket).key(key).contentLength(size).metadata(userMeta(meta))
            .contentType("application/octet-stream");
        if (md5 != null) {
          r.contentMD5(md5);
        }
      }, RequestBody.fromContentProvider(body, size, "application/octet-stream")).eTag()));
    } catch (SdkException e) {
      throw S3Errors.translate("PUT " + key, where, e);
    }
  }

  @Override
  public InputStream open(String key, long offset) throws IOException {
    Keys.check(key);
    ResponseInputStream<GetObjectResponse> in;
    try {
      in = client().getObject(r -> {
        r.bucket(bucket).key(key);
        if (offset > 0) {
          r.range("bytes=" + offset + "-");
        }
      });
    } catch (SdkException e) {
      if (S3Errors.isNotFound(e)) {
        throw new ObjectNotFoundException(key, where);
      }
      if (offset > 0 && e instanceof AwsServiceException a && a.statusCode() == 416) {
        // Resuming a download that already has every byte: nothing left to read.
        Optional<ObjectInfo> info = stat(key);
        if (info.isPresent() && info.get().size() == offset) {
          return InputStream.nullInputStream();
        }
      }
      throw S3Errors.translate("GET " + key, where, e);
    }
    return new ClassifyingStream(in, "GET " + key, where);
  }

  /** Reports a dropped download as retryable, like a failure before the first byte. */
  private static final class ClassifyingStream extends FilterInputStream {
    private final String what;
    private final String where;

    ClassifyingStream(InputStream in, String what, String where) {
      super(in);
      this.what = what;
      this.where = where;
    }

    private IOException wrap(Exception e) {
      if (e instanceof StoreException s) {
        return s;
      }
      return new RetryableStoreException(
          what + ": reading from " + where + " failed (" + e.getMessage() + ")", e);
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (IOException | SdkException e) {
        throw wrap(e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (IOException | SdkException e) {
        throw wrap(e);
      }
    }
  }

  @Override
  public void delete(String key) throws IOException {
    Keys.check(key);
    try {
      client().deleteObject(r -> r.bucket(bucket).key(key));
    } catch (SdkException e) {
      if (!S3Errors.isNotFound(e)) {
        throw S3Errors.translate("DELETE " + key, where, e);
      }
    }
  }

  // ---------------------------------------------------------------- gc

  /** Multipart uploads under {@code prefix} that were started and never completed or aborted. */
  @Override
  public List<org.pantri.store.StoredPart> listParts(String prefix) throws IOException {
    List<org.pantri.store.StoredPart> out = new ArrayList<>();
    try {
      String keyMarker = null;
      String idMarker = null;
      while (true) {
        String km = keyMarker;
        String im = idMarker;
        ListMultipartUploadsResponse page = client().listMultipartUploads(r -> {
          r.bucket(bucket);
          if (!prefix.isEmpty()) {
            r.prefix(prefix);
          }
          if (km != null) {
            r.keyMarker(km).uploadIdMarker(im);
          }
        });
        for (var u : page.uploads()) {
          out.add(new org.pantri.store.StoredPart(u.key(), u.uploadId(), -1,
              u.initiated() == null ? -1 : u.initiated().getEpochSecond()));
        }
        if (!Boolean.TRUE.equals(page.isTruncated()) || page.nextKeyMarker() == null) {
          return out;
        }
        keyMarker = page.nextKeyMarker();
        idMarker = page.nextUploadIdMarker();
      }
    } catch (SdkException e) {
      throw S3Errors.translate("listing multipart uploads" + (prefix.isEmpty() ? "" : " under " + prefix), where, e);
    }
  }

  /** Aborts an unfinished multipart upload (its parts go with it) and removes its resume marker. */
  @Override
  public void deletePart(org.pantri.store.StoredPart part) throws IOException {
    try {
      client().abortMultipartUpload(r -> r.bucket(bucket).key(part.ownerKey()).uploadId(part.id()));
    } catch (SdkException e) {
      if (!S3Errors.isNotFound(e)) {
        throw S3Errors.translate("abort of multipart upload of " + part.ownerKey(), where, e);
      }
    }
    deleteMarker(part.ownerKey(), part.id());
  }

  // ---------------------------------------------------------------- multipart

  /** The configured part size: segment_size (64 MiB when unset), within S3's 5 MiB..5 GiB. */
  @Override
  public long partSize() {
    return partSize;
  }

  /** The most parts one upload may have on this server ({@code s3_max_parts}). */
  public int maxParts() {
    return maxParts;
  }

  /**
   * The part size to use for a file of {@code fileSize} bytes: {@link #partSize()}, enlarged (to
   * whole MiB) when the file would otherwise need more than {@link #maxParts()} parts. The
   * transfer engine should split by this rather than {@link #partSize()}; a part number beyond
   * the limit is refused by {@link MultipartUpload#putPart}.
   */
  public long partSize(long fileSize) {
    return Math.min(PartPlan.fit(fileSize, partSize, maxParts, MIB), MAX_PART_SIZE);
  }

  static String markerKey(String key, String uploadId) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(key.getBytes(StandardCharsets.UTF_8));
      md.update((byte) 0);
      md.update(uploadId.getBytes(StandardCharsets.UTF_8));
      return MARKER_PREFIX + HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
  }

  @Override
  public MultipartUpload startMultipart(String key, PutMeta meta) throws IOException {
    Keys.check(key);
    String found = meta.sha256() == null ? null : findResumable(key, meta);
    if (found != null) {
      log.debug("resuming multipart upload of {} ({})", key, found);
      return new Upload(key, found, meta, true);
    }
    String uploadId;
    try {
      CreateMultipartUploadResponse r = client().createMultipartUpload(b -> b.bucket(bucket)
          .key(key).metadata(userMeta(meta)).contentType("application/octet-stream"));
      uploadId = r.uploadId();
    } catch (SdkException e) {
      throw S3Errors.translate("starting multipart upload of " + key, where, e);
    }
    if (meta.sha256() != null) {
      writeMarker(key, uploadId, meta);
    }
    return new Upload(key, uploadId, meta, false);
  }

  private void writeMarker(String key, String uploadId, PutMeta meta) {
    Map<String, String> m = new HashMap<>();
    m.put(META_SHA256, meta.sha256());
    m.put(META_SIZE, Long.toString(meta.size()));
    // URL-encoded: S3 user metadata must be ASCII, keys need not be.
    m.put(META_KEY, java.net.URLEncoder.encode(key, StandardCharsets.UTF_8));
    try {
      client().putObject(r -> r.bucket(bucket).key(markerKey(key, uploadId)).metadata(m),
          RequestBody.empty());
    } catch (SdkException e) {
      // Without the marker the upload still completes; it just cannot be resumed.
      log.debug("could not write resume marker for {}: {}", key, e.toString());
    }
  }

  /** An in-progress upload of exactly {@code key} whose marker says it holds this content. */
  private String findResumable(String key, PutMeta meta) throws IOException {
    List<software.amazon.awssdk.services.s3.model.MultipartUpload> candidates = new ArrayList<>();
    try {
      String keyMarker = null;
      String idMarker = null;
      while (true) {
        String km = keyMarker;
        String im = idMarker;
        ListMultipartUploadsResponse page = client().listMultipartUploads(r -> {
          r.bucket(bucket).prefix(key);
          if (km != null) {
            r.keyMarker(km).uploadIdMarker(im);
          }
        });
        for (var u : page.uploads()) {
          if (u.key().equals(key)) {
            candidates.add(u);
          }
        }
        if (!Boolean.TRUE.equals(page.isTruncated()) || page.nextKeyMarker() == null) {
          break;
        }
        keyMarker = page.nextKeyMarker();
        idMarker = page.nextUploadIdMarker();
      }
    } catch (SdkException e) {
      IOException x = S3Errors.translate("listing multipart uploads of " + key, where, e);
      if (x instanceof RetryableStoreException || x instanceof AuthException) {
        throw x;
      }
      // A server without ListMultipartUploads (or permission for it) can still upload afresh.
      log.debug("cannot look for resumable uploads of {}: {}", key, x.getMessage());
      return null;
    }
    // Newest first: after several crashes the latest upload holds the most parts.
    candidates.sort(Comparator.comparing(
        software.amazon.awssdk.services.s3.model.MultipartUpload::initiated,
        Comparator.nullsFirst(Comparator.naturalOrder())).reversed());
    for (var u : candidates) {
      try {
        HeadObjectResponse h =
            client().headObject(r -> r.bucket(bucket).key(markerKey(key, u.uploadId())));
        Map<String, String> m = h.metadata();
        if (meta.sha256().equals(m.get(META_SHA256))
            && Long.toString(meta.size()).equals(m.get(META_SIZE))) {
          return u.uploadId();
        }
      } catch (SdkException e) {
        if (!S3Errors.isNotFound(e)) {
          throw S3Errors.translate("HEAD resume marker of " + key, where, e);
        }
      }
    }
    return null;
  }

  private void deleteMarker(String key, String uploadId) {
    try {
      client().deleteObject(r -> r.bucket(bucket).key(markerKey(key, uploadId)));
    } catch (SdkException e) {
      log.debug("could not delete resume marker for {}: {}", key, e.toString());
    }
  }

  private final class Upload implements MultipartUpload {
    private final String key;
    private final String uploadId;
    private final PutMeta meta;
    private final boolean resumed;
    private final PartPlan plan;

    Upload(String key, String uploadId, PutMeta meta, boolean resumed) {
      this.key = key;
      this.uploadId = uploadId;
      this.meta = meta;
      this.resumed = resumed;
      this.plan = new PartPlan(meta.size(), partSize(meta.size()));
    }

    /** The size part {@code n} has when the file is split by {@link #partSize(long)}. */
    private long expectedSize(int n) {
      return plan.length(n);
    }

    @Override
    public Map<Integer, String> storedParts() throws IOException {
      Map<Integer, String> out = new TreeMap<>();
      if (!resumed) {
        return out;
      }
      try {
        Integer marker = null;
        while (true) {
          Integer m = marker;
          ListPartsResponse page = client().listParts(r -> {
            r.bucket(bucket).key(key).uploadId(uploadId);
            if (m != null) {
              r.partNumberMarker(m);
            }
          });
          for (Part p : page.parts()) {
            int n = p.partNumber();
            // A part of another size belongs to a different split (segment_size changed):
            // reusing it would corrupt the object, so it is sent again.
            if (n >= 1 && p.size() != null && p.size() == expectedSize(n) && p.size() > 0) {
              out.put(n, unquote(p.eTag()));
            }
          }
          if (!Boolean.TRUE.equals(page.isTruncated()) || page.nextPartNumberMarker() == null) {
            break;
          }
          marker = page.nextPartNumberMarker();
        }
      } catch (SdkException e) {
        throw S3Errors.translate("listing parts of " + key, where, e);
      }
      return out;
    }

    @Override
    public PutResult putPart(int number, Path file, long offset, long length) throws IOException {
      if (number < 1 || number > maxParts) {
        throw new StoreException("part " + number + " of " + key + " is outside 1.." + maxParts
            + ", the most parts " + where + " accepts; split the file by partSize(fileSize)");
      }
      String md5 = compat ? FileSlice.md5Base64(file, offset, length) : null;
      try (FileSlice body = new FileSlice(file, offset, length)) {
        UploadPartResponse r = client().uploadPart(b -> {
          b.bucket(bucket).key(key).uploadId(uploadId).partNumber(number).contentLength(length);
          if (md5 != null) {
            b.contentMD5(md5);
          }
        }, RequestBody.fromContentProvider(body, length, "application/octet-stream"));
        return PutResult.unchecked(unquote(r.eTag()));
      } catch (SdkException e) {
        throw S3Errors.translate("uploading part " + number + " of " + key, where, e);
      }
    }

    @Override
    public void complete(Map<Integer, String> parts) throws IOException {
      List<CompletedPart> list = new ArrayList<>();
      new TreeMap<>(parts).forEach((n, etag) ->
          list.add(CompletedPart.builder().partNumber(n).eTag(etag).build()));
      try {
        client().completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId)
            .multipartUpload(u -> u.parts(list)));
      } catch (SdkException e) {
        throw S3Errors.translate("completing multipart upload of " + key, where, e);
      }
      deleteMarker(key, uploadId);
      // The engine checks the completed object's size (a multipart ETag is no MD5 of the content).
    }

    @Override
    public void abort() {
      try {
        client().abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId));
      } catch (SdkException e) {
        log.debug("abort of multipart upload of {} failed: {}", key, e.toString());
      }
      deleteMarker(key, uploadId);
    }
  }
}
