package org.pantri.testsupport;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * A hostile endpoint on 127.0.0.1: records every request it gets (method, path, every header and
 * the body) and answers like a Swift that accepts anything, so that a client that trusts it would
 * go on sending. Tests assert on what reached it.
 */
public final class RecordingServer implements AutoCloseable {
  /** One request as received. */
  public record Seen(String method, String uri, Map<String, List<String>> headers, String body) {
    public String all() {
      return method + " " + uri + "\n" + headers + "\n" + body;
    }
  }

  private final HttpServer server;
  private final List<Seen> seen = Collections.synchronizedList(new ArrayList<>());

  public RecordingServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "recording-server");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/", ex -> {
      byte[] body = ex.getRequestBody().readAllBytes();
      seen.add(new Seen(ex.getRequestMethod(), ex.getRequestURI().toString(),
          Map.copyOf(ex.getRequestHeaders()), new String(body, StandardCharsets.ISO_8859_1)));
      // an auth endpoint that hands out a token for itself, a storage endpoint that accepts all
      ex.getResponseHeaders().add("X-Auth-Token", "AUTH_tkhostile");
      ex.getResponseHeaders().add("X-Storage-Url", url() + "/v1/AUTH_hostile");
      ex.getResponseHeaders().add("Content-Type", "application/json");
      byte[] out = ex.getRequestMethod().equals("GET") ? "[]".getBytes(StandardCharsets.US_ASCII) : new byte[0];
      ex.sendResponseHeaders(ex.getRequestMethod().equals("PUT") ? 201 : 200, out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        ex.getResponseBody().write(out);
      }
      ex.close();
    });
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public List<Seen> seen() {
    synchronized (seen) {
      return List.copyOf(seen);
    }
  }

  /** Every request that carries any of {@code secrets} anywhere (headers, path or body). */
  public List<Seen> carrying(String... secrets) {
    return seen().stream().filter(s -> {
      String all = s.all();
      for (String secret : secrets) {
        if (secret != null && !secret.isEmpty() && all.contains(secret)) {
          return true;
        }
      }
      return false;
    }).toList();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
