package org.pantri.testsupport;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * An HTTP/1.1 forwarding proxy on 127.0.0.1 between Pantri and a real server, on plain sockets
 * so that it can do what a flaky network or an overloaded Swift does: answer 503/500/429/408,
 * answer late, reset the connection while the request body is uploading or after part of the
 * response body, end a response early, or flip a byte of a body without changing its length.
 *
 * <p>Rules match a method and a regex (found in the request target, path and query) and apply to
 * the first N matching requests or to all of them; the first rule with matches left wins. A fault
 * on the response body only counts against a successful (2xx) response. Every
 * request is logged (method, target, headers, time, the fault applied) for assertions. The auth
 * answer's {@code X-Storage-Url} is rewritten to point at the proxy, so that storage requests go
 * through it too. Client connections are kept alive as the client asks; each forwarded request
 * uses a fresh upstream connection, so a connection the server dropped is never reused.
 */
public final class FaultProxy implements AutoCloseable {
  /** Request target patterns for Swift's v1 API. */
  public static final String AUTH = "^/auth/";

  /** The objects of one container (not the container itself, not another container). */
  public static String objectsIn(String container) {
    return "^/v1/[^/]+/" + Pattern.quote(container) + "/[^?]+";
  }

  /** One object of a container, by key (keys Pantri uses need no percent-encoding). */
  public static String object(String container, String key) {
    return "^/v1/[^/]+/" + Pattern.quote(container) + "/" + Pattern.quote(key) + "(\\?|$)";
  }

  /** The container itself (HEAD, PUT, listing GETs with a query). */
  public static String container(String container) {
    return "^/v1/[^/]+/" + Pattern.quote(container) + "/?(\\?|$)";
  }

  /** What a rule does to a matching request. */
  public enum Kind {
    /** Answer with a status (and optional Retry-After) without asking the server. */
    STATUS,
    /** Wait, then forward normally. */
    DELAY,
    /** Read {@code bytes} of the request body, then reset the connection; the server sees nothing. */
    DROP_REQUEST,
    /** Forward the request with the body byte at offset {@code bytes} inverted (same length). */
    CORRUPT_REQUEST,
    /** Forward the response headers and {@code bytes} of its body, then reset the connection (RST). */
    DROP_RESPONSE,
    /** Forward the response headers and {@code bytes} of its body, then close cleanly (FIN). */
    TRUNCATE,
    /** Forward the whole response with the body byte at offset {@code bytes} inverted. */
    CORRUPT
  }

  /**
   * One logged request: {@code fault} is the rule's kind, or null when forwarded untouched;
   * {@code status} the status the client got (0 while unanswered or when it got none).
   */
  public static final class Request {
    private final String method;
    private final String target;
    private final Map<String, String> headers;
    private final long nanos;
    private volatile Kind fault;
    private volatile int status;

    Request(String method, String target, Map<String, String> headers, long nanos, Kind fault) {
      this.method = method;
      this.target = target;
      this.headers = headers;
      this.nanos = nanos;
      this.fault = fault;
    }

    public String method() {
      return method;
    }

    public String target() {
      return target;
    }

    public Map<String, String> headers() {
      return headers;
    }

    /** When the proxy read the request head (System.nanoTime()). */
    public long nanos() {
      return nanos;
    }

    public Kind fault() {
      return fault;
    }

    public int status() {
      return status;
    }

    /** Swift rejected the token (another client can invalidate it at any time); pantri repeats such a request. */
    public boolean tokenRejected() {
      return status == 401;
    }

    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public String path() {
      int q = target.indexOf('?');
      return q < 0 ? target : target.substring(0, q);
    }

    @Override
    public String toString() {
      return method + " " + target + (header("range") == null ? "" : " [Range " + header("range") + "]")
          + (fault == null ? "" : " <" + fault + ">") + " -> " + status;
    }
  }

  /** A fault rule; configure its matching, then call one action method to activate it. */
  public final class Rule {
    private final String method;
    private final Pattern target;
    private Predicate<Request> also = r -> true;
    private int limit = 1;
    private final AtomicInteger hits = new AtomicInteger();
    private Kind kind;
    private int status;
    private String retryAfter;
    private long delayMillis;
    private long bytes;

    private Rule(String method, String regex) {
      this.method = method;
      this.target = Pattern.compile(regex);
    }

    /** Applies to the first {@code n} matching requests (default 1). */
    public Rule times(int n) {
      limit = n;
      return this;
    }

    /** Applies to every matching request until {@link #remove()} or {@link FaultProxy#clear()}. */
    public Rule always() {
      limit = Integer.MAX_VALUE;
      return this;
    }

    /** An extra condition, e.g. on headers. */
    public Rule when(Predicate<Request> p) {
      also = p;
      return this;
    }

    public Rule status(int code) {
      return status(code, null);
    }

    public Rule status(int code, String retryAfterHeader) {
      status = code;
      retryAfter = retryAfterHeader;
      return activate(Kind.STATUS);
    }

    public Rule delay(Duration d) {
      delayMillis = d.toMillis();
      return activate(Kind.DELAY);
    }

    public Rule dropRequestAfter(long bodyBytes) {
      bytes = bodyBytes;
      return activate(Kind.DROP_REQUEST);
    }

    public Rule corruptRequestAt(long bodyOffset) {
      bytes = bodyOffset;
      return activate(Kind.CORRUPT_REQUEST);
    }

    public Rule dropResponseAfter(long bodyBytes) {
      bytes = bodyBytes;
      return activate(Kind.DROP_RESPONSE);
    }

    public Rule truncateAfter(long bodyBytes) {
      bytes = bodyBytes;
      return activate(Kind.TRUNCATE);
    }

    public Rule corruptAt(long bodyOffset) {
      bytes = bodyOffset;
      return activate(Kind.CORRUPT);
    }

    /** How many requests this rule was applied to. */
    public int hits() {
      return hits.get();
    }

    public void remove() {
      rules.remove(this);
    }

    private Rule activate(Kind k) {
      kind = k;
      rules.add(this);
      return this;
    }

    private boolean matches(Request r) {
      return (method == null || method.equals(r.method())) && target.matcher(r.target()).find() && also.test(r);
    }

    @Override
    public String toString() {
      return kind + " on " + (method == null ? "*" : method) + " " + target + " (" + hits + " hits)";
    }
  }

  private final String upstreamHost;
  private final int upstreamPort;
  private final String upstreamBase;
  private final ServerSocket server;
  private final String base;
  private final List<Rule> rules = new CopyOnWriteArrayList<>();
  private final List<Request> log = new ArrayList<>();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger accepted = new AtomicInteger();
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fault-proxy");
    t.setDaemon(true);
    return t;
  });
  private volatile boolean closed;

  private FaultProxy(URI upstream) throws IOException {
    this.upstreamHost = upstream.getHost();
    this.upstreamPort = upstream.getPort() < 0 ? 80 : upstream.getPort();
    this.upstreamBase = "http://" + upstreamHost + ":" + upstreamPort;
    this.server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
    this.base = "http://127.0.0.1:" + server.getLocalPort();
    pool.execute(this::acceptLoop);
  }

  /** A proxy in front of the server of {@code upstreamUrl} (only scheme, host and port are used). */
  public static FaultProxy start(String upstreamUrl) throws IOException {
    return new FaultProxy(URI.create(upstreamUrl));
  }

  /** http://127.0.0.1:PORT */
  public String base() {
    return base;
  }

  /** The upstream URL with the proxy's scheme, host and port instead (path and query kept). */
  public String via(String upstreamUrl) {
    URI u = URI.create(upstreamUrl);
    return base + u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
  }

  /** A new rule for {@code method} (null: any) and a target regex; inactive until an action. */
  public Rule on(String method, String targetRegex) {
    return new Rule(method, targetRegex);
  }

  /** Removes every rule; the log is kept. */
  public void clear() {
    rules.clear();
  }

  public List<Request> requests() {
    synchronized (log) {
      return List.copyOf(log);
    }
  }

  public List<Request> requests(String method, String targetRegex) {
    Pattern p = Pattern.compile(targetRegex);
    return requests().stream()
        .filter(r -> (method == null || method.equals(r.method())) && p.matcher(r.target()).find())
        .toList();
  }

  /** Client connections accepted so far (keep-alive makes this smaller than the request count). */
  public int connections() {
    return accepted.get();
  }

  /**
   * Waits until no client connection is open. A client killed mid-request may leave its whole
   * body in the proxy's socket buffer, and the proxy then still completes that request upstream:
   * what the server holds is only settled once the proxy has finished with every connection.
   */
  public void awaitIdle(Duration timeout) throws InterruptedException {
    long until = System.nanoTime() + timeout.toNanos();
    while (!open.isEmpty()) {
      if (System.nanoTime() > until) {
        throw new IllegalStateException("FaultProxy: " + open.size() + " connection(s) still open after " + timeout);
      }
      Thread.sleep(5);
    }
  }

  public int count(String method, String targetRegex) {
    return requests(method, targetRegex).size();
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    for (Socket s : open) {
      closeQuietly(s);
    }
    pool.shutdownNow();
  }

  // ------------------------------------------------------------------ connections

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket s = server.accept();
        accepted.incrementAndGet();
        open.add(s);
        pool.execute(() -> serve(s));
      } catch (IOException e) {
        if (!closed) {
          System.err.println("FaultProxy: accept failed: " + e);
        }
        return;
      }
    }
  }

  /** Thrown to end a client connection after a fault; {@code reset} says RST rather than FIN. */
  private static final class Hangup extends IOException {
    final boolean reset;

    Hangup(boolean reset) {
      super("fault: hang up");
      this.reset = reset;
    }
  }

  private void serve(Socket client) {
    boolean reset = false;
    try {
      client.setTcpNoDelay(true);
      client.setSoTimeout(120_000);
      InputStream in = new BufferedInputStream(client.getInputStream(), 64 * 1024);
      OutputStream out = new BufferedOutputStream(client.getOutputStream(), 64 * 1024);
      while (!closed) {
        Head req = Head.read(in);
        if (req == null) {
          return;
        }
        if (!exchange(req, in, out)) {
          return;
        }
      }
    } catch (Hangup h) {
      reset = h.reset;
    } catch (IOException e) {
      // the client or the server went away: nothing to report to anyone
      reset = true;
    } finally {
      if (reset) {
        try {
          client.setSoLinger(true, 0);
        } catch (SocketException ignored) {
          // closing anyway
        }
      } else {
        try {
          client.shutdownOutput();
        } catch (IOException ignored) {
          // closing anyway
        }
      }
      closeQuietly(client);
      open.remove(client);
    }
  }

  /** Handles one request; false when the client connection must be closed afterwards. */
  private boolean exchange(Head req, InputStream in, OutputStream out) throws IOException {
    String[] line = req.first.split(" ", 3);
    if (line.length < 3) {
      throw new IOException("bad request line: " + req.first);
    }
    String method = line[0];
    String target = line[1];
    boolean clientKeepAlive = !line[2].equals("HTTP/1.0") && !"close".equalsIgnoreCase(req.get("connection"));
    Map<String, String> headers = new LinkedHashMap<>();
    req.headers.forEach(h -> headers.putIfAbsent(h[0].toLowerCase(Locale.ROOT), h[1]));
    Request probe = new Request(method, target, Map.copyOf(headers), System.nanoTime(), null);
    Rule rule = claim(probe);
    Request logged = rule == null ? probe : new Request(method, target, probe.headers(), probe.nanos(), rule.kind);
    synchronized (log) {
      log.add(logged);
    }
    if (rule != null && rule.kind == Kind.DELAY) {
      sleep(rule.delayMillis);
    }
    if (rule != null && rule.kind == Kind.STATUS) {
      copyBody(req, in, OutputStream.nullOutputStream(), Long.MAX_VALUE);
      byte[] body = method.equals("HEAD") ? new byte[0]
          : ("<html><h1>" + rule.status + " fault injected by FaultProxy</h1></html>").getBytes(StandardCharsets.UTF_8);
      StringBuilder h = new StringBuilder("HTTP/1.1 ").append(rule.status).append(' ').append(reason(rule.status))
          .append("\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Length: ")
          .append(method.equals("HEAD") ? 0 : body.length).append("\r\n");
      if (rule.retryAfter != null) {
        h.append("Retry-After: ").append(rule.retryAfter).append("\r\n");
      }
      if (!clientKeepAlive) {
        h.append("Connection: close\r\n");
      }
      out.write(h.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
      logged.status = rule.status;
      return clientKeepAlive;
    }
    if (rule != null && rule.kind == Kind.DROP_REQUEST) {
      copyBody(req, in, OutputStream.nullOutputStream(), rule.bytes);
      throw new Hangup(true);
    }

    try (Socket up = new Socket(upstreamHost, upstreamPort)) {
      up.setTcpNoDelay(true);
      up.setSoTimeout(120_000);
      InputStream uin = new BufferedInputStream(up.getInputStream(), 64 * 1024);
      OutputStream uout = new BufferedOutputStream(up.getOutputStream(), 64 * 1024);
      StringBuilder h = new StringBuilder(req.first).append("\r\n");
      for (String[] kv : req.headers) {
        if (!kv[0].equalsIgnoreCase("connection") && !kv[0].equalsIgnoreCase("keep-alive")) {
          h.append(kv[0]).append(": ").append(kv[1]).append("\r\n");
        }
      }
      h.append("Connection: close\r\n\r\n");
      uout.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
      copyBody(req, in, rule != null && rule.kind == Kind.CORRUPT_REQUEST ? flipping(uout, rule.bytes) : uout,
          Long.MAX_VALUE);
      uout.flush();

      Head resp;
      int status;
      while (true) {
        resp = Head.read(uin);
        if (resp == null) {
          throw new EOFException("server closed the connection before answering " + method + " " + target);
        }
        status = Integer.parseInt(resp.first.split(" ", 3)[1]);
        if (status >= 200 || status == 101) {
          break;
        }
        writeHead(out, resp.first, resp.headers, null); // 100 Continue and friends pass through
        out.flush();
      }
      boolean noBody = method.equals("HEAD") || status == 204 || status == 304;
      boolean chunked = !noBody && "chunked".equalsIgnoreCase(resp.get("transfer-encoding"));
      String cl = resp.get("content-length");
      boolean untilEof = !noBody && !chunked && cl == null;
      boolean keepAlive = clientKeepAlive && !untilEof;
      List<String[]> rh = new ArrayList<>();
      for (String[] kv : resp.headers) {
        if (kv[0].equalsIgnoreCase("connection") || kv[0].equalsIgnoreCase("keep-alive")) {
          continue;
        }
        String v = kv[0].equalsIgnoreCase("x-storage-url") ? kv[1].replace(upstreamBase, base) : kv[1];
        rh.add(new String[] {kv[0], v});
      }
      if (rule != null && bodyFault(rule.kind) && (status < 200 || status > 299)) {
        // e.g. a 401 for a token another client invalidated: the fault waits for a real body
        rule.hits.decrementAndGet();
        logged.fault = null;
        rule = null;
      }
      writeHead(out, resp.first, rh, keepAlive ? null : "close");
      logged.status = status;
      if (noBody) {
        out.flush();
        return keepAlive;
      }
      BodySink sink = new BodySink(out, chunked, rule);
      if (chunked) {
        copyChunkedData(uin, sink);
        sink.finishChunked();
      } else if (cl != null) {
        copyN(uin, sink, Long.parseLong(cl.trim()));
      } else {
        copyN(uin, sink, Long.MAX_VALUE);
      }
      if (rule != null && (rule.kind == Kind.DROP_RESPONSE || rule.kind == Kind.TRUNCATE)) {
        // the body was shorter than the cut point: the fault still ends the connection
        out.flush();
        throw new Hangup(rule.kind == Kind.DROP_RESPONSE);
      }
      out.flush();
      return keepAlive;
    }
  }

  /** Passes bytes through, inverting the one at {@code offset} (for a fixed-length body). */
  private static OutputStream flipping(OutputStream out, long offset) {
    return new OutputStream() {
      private long pos;

      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        if (offset >= pos && offset < pos + len) {
          b[off + (int) (offset - pos)] ^= (byte) 0xff;
        }
        pos += len;
        out.write(b, off, len);
      }

      @Override
      public void flush() throws IOException {
        out.flush();
      }
    };
  }

  private static boolean bodyFault(Kind k) {
    return k == Kind.DROP_RESPONSE || k == Kind.TRUNCATE || k == Kind.CORRUPT;
  }

  private synchronized Rule claim(Request r) {
    for (Rule rule : rules) {
      if (rule.matches(r) && rule.hits.get() < rule.limit) {
        rule.hits.incrementAndGet();
        return rule;
      }
    }
    return null;
  }

  private static void writeHead(OutputStream out, String first, List<String[]> headers, String connection)
      throws IOException {
    StringBuilder h = new StringBuilder(first).append("\r\n");
    for (String[] kv : headers) {
      h.append(kv[0]).append(": ").append(kv[1]).append("\r\n");
    }
    if (connection != null) {
      h.append("Connection: ").append(connection).append("\r\n");
    }
    out.write(h.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Copies a request body as framed by its headers, raw (chunk framing included), up to {@code max} bytes. */
  private static void copyBody(Head req, InputStream in, OutputStream out, long max) throws IOException {
    if ("chunked".equalsIgnoreCase(req.get("transfer-encoding"))) {
      long[] left = {max};
      OutputStream capped = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          int n = (int) Math.min(len, left[0]);
          out.write(b, off, n);
          left[0] -= n;
          if (left[0] <= 0) {
            throw new Hangup(true);
          }
        }
      };
      try {
        copyChunkedRaw(in, max == Long.MAX_VALUE ? out : capped);
      } catch (Hangup h) {
        out.flush();
        throw h;
      }
      return;
    }
    String cl = req.get("content-length");
    long len = cl == null ? 0 : Long.parseLong(cl.trim());
    byte[] buf = new byte[64 * 1024];
    long copied = 0;
    while (copied < len && copied < max) {
      int n = in.read(buf, 0, (int) Math.min(buf.length, Math.min(len, max) - copied));
      if (n < 0) {
        throw new EOFException("client closed during the request body");
      }
      out.write(buf, 0, n);
      copied += n;
    }
  }

  private static void copyChunkedRaw(InputStream in, OutputStream out) throws IOException {
    while (true) {
      String sizeLine = readLine(in);
      out.write((sizeLine + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      long size = Long.parseLong(sizeLine.split(";", 2)[0].trim(), 16);
      if (size == 0) {
        String t;
        do {
          t = readLine(in);
          out.write((t + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        } while (!t.isEmpty());
        return;
      }
      copyN(in, out, size);
      String crlf = readLine(in);
      out.write((crlf + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    }
  }

  /** Copies the data of a chunked body into {@code sink}, which re-frames it. */
  private static void copyChunkedData(InputStream in, OutputStream sink) throws IOException {
    while (true) {
      long size = Long.parseLong(readLine(in).split(";", 2)[0].trim(), 16);
      if (size == 0) {
        while (!readLine(in).isEmpty()) {
          // trailers are dropped
        }
        return;
      }
      copyN(in, sink, size);
      readLine(in);
    }
  }

  private static void copyN(InputStream in, OutputStream out, long n) throws IOException {
    byte[] buf = new byte[64 * 1024];
    long left = n;
    while (left > 0) {
      int r = in.read(buf, 0, (int) Math.min(buf.length, left));
      if (r < 0) {
        if (n == Long.MAX_VALUE) {
          return;
        }
        throw new EOFException("stream ended " + left + " bytes early");
      }
      out.write(buf, 0, r);
      left -= r;
    }
  }

  /** Writes response body data to the client (re-chunked if needed), applying the rule's fault. */
  private static final class BodySink extends OutputStream {
    private final OutputStream out;
    private final boolean chunked;
    private final Rule rule;
    private long sent;

    BodySink(OutputStream out, boolean chunked, Rule rule) {
      this.out = out;
      this.chunked = chunked;
      this.rule = rule;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      Kind k = rule == null ? null : rule.kind;
      if (k == Kind.CORRUPT && rule.bytes >= sent && rule.bytes < sent + len) {
        b[off + (int) (rule.bytes - sent)] ^= (byte) 0xff;
      }
      int n = len;
      boolean cut = false;
      if ((k == Kind.DROP_RESPONSE || k == Kind.TRUNCATE) && sent + len >= rule.bytes) {
        n = (int) Math.max(0, rule.bytes - sent);
        cut = true;
      }
      emit(b, off, n);
      sent += n;
      if (cut) {
        out.flush();
        if (k == Kind.DROP_RESPONSE) {
          // let the bytes before the cut reach the client before the reset discards its buffers
          sleep(200);
        }
        throw new Hangup(k == Kind.DROP_RESPONSE);
      }
    }

    private void emit(byte[] b, int off, int n) throws IOException {
      if (n == 0) {
        return;
      }
      if (chunked) {
        out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(b, off, n);
        out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
      } else {
        out.write(b, off, n);
      }
    }

    void finishChunked() throws IOException {
      out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }
  }

  // ------------------------------------------------------------------ parsing

  /** A request or response head: first line and headers in order. */
  private static final class Head {
    final String first;
    final List<String[]> headers;

    Head(String first, List<String[]> headers) {
      this.first = first;
      this.headers = headers;
    }

    String get(String name) {
      for (String[] kv : headers) {
        if (kv[0].equalsIgnoreCase(name)) {
          return kv[1];
        }
      }
      return null;
    }

    /** The next head, or null on a clean end of stream before its first byte. */
    static Head read(InputStream in) throws IOException {
      String first = readLine(in, true);
      if (first == null) {
        return null;
      }
      List<String[]> hs = new ArrayList<>();
      for (String l = readLine(in); !l.isEmpty(); l = readLine(in)) {
        int c = l.indexOf(':');
        if (c > 0) {
          hs.add(new String[] {l.substring(0, c).trim(), l.substring(c + 1).trim()});
        }
      }
      return new Head(first, hs);
    }
  }

  private static String readLine(InputStream in) throws IOException {
    return readLine(in, false);
  }

  private static String readLine(InputStream in, boolean eofOk) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream(128);
    while (true) {
      int c = in.read();
      if (c < 0) {
        if (eofOk && b.size() == 0) {
          return null;
        }
        throw new EOFException("stream ended inside a line");
      }
      if (c == '\n') {
        break;
      }
      b.write(c);
      if (b.size() > 64 * 1024) {
        throw new IOException("line too long");
      }
    }
    String s = b.toString(StandardCharsets.ISO_8859_1);
    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
  }

  private static String reason(int status) {
    return switch (status) {
      case 408 -> "Request Timeout";
      case 429 -> "Too Many Requests";
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      default -> "Fault";
    };
  }

  private static void sleep(long millis) throws IOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }
}
