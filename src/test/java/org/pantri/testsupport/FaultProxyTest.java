package org.pantri.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The proxy itself, against an in-process server: a fault injector that silently changed bytes
 * or dropped requests on its own would make every fault test meaningless.
 */
class FaultProxyTest {
  private static final byte[] DATA = new byte[300_000];

  static {
    new Random(5).nextBytes(DATA);
  }

  private HttpServer upstream;
  private FaultProxy proxy;
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void start() throws IOException {
    upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    String self = "http://127.0.0.1:" + upstream.getAddress().getPort();
    upstream.createContext("/echo", x -> {
      byte[] body = x.getRequestBody().readAllBytes();
      x.getResponseHeaders().add("X-Storage-Url", self + "/v1/AUTH_t");
      x.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
      try (OutputStream o = x.getResponseBody()) {
        o.write(body);
      }
    });
    upstream.createContext("/chunked", x -> {
      x.sendResponseHeaders(200, 0); // length 0: chunked
      try (OutputStream o = x.getResponseBody()) {
        for (int off = 0; off < DATA.length; off += 70_000) {
          o.write(DATA, off, Math.min(70_000, DATA.length - off));
          o.flush();
        }
      }
    });
    upstream.start();
    proxy = FaultProxy.start(self);
  }

  @AfterEach
  void stop() {
    proxy.close();
    upstream.stop(0);
  }

  private HttpResponse<byte[]> send(String method, String path, HttpRequest.BodyPublisher body) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(proxy.base() + path)).method(method, body)
        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void forwardsFixedAndChunkedBodiesBothWaysOnOneKeptAliveConnection() throws Exception {
    HttpResponse<byte[]> fixed = send("PUT", "/echo", HttpRequest.BodyPublishers.ofByteArray(DATA));
    assertThat(fixed.body()).isEqualTo(DATA);
    // an InputStream publisher has no length: the JDK sends it chunked
    HttpResponse<byte[]> chunkedUp = send("PUT", "/echo",
        HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(DATA)));
    assertThat(chunkedUp.body()).isEqualTo(DATA);
    assertThat(proxy.requests().get(1).header("transfer-encoding")).isEqualTo("chunked");
    HttpResponse<byte[]> chunkedDown = send("GET", "/chunked", HttpRequest.BodyPublishers.noBody());
    assertThat(chunkedDown.body()).isEqualTo(DATA);
    assertThat(send("HEAD", "/echo", HttpRequest.BodyPublishers.noBody()).statusCode()).isEqualTo(200);
    // the auth answer's storage URL now points at the proxy
    assertThat(fixed.headers().firstValue("X-Storage-Url")).contains(proxy.base() + "/v1/AUTH_t");
    assertThat(proxy.count(null, "^/")).isEqualTo(4);
    assertThat(proxy.connections()).isEqualTo(1);
  }

  @Test
  void statusFaultsApplyToTheFirstNMatchesOnly() throws Exception {
    FaultProxy.Rule r = proxy.on("PUT", "^/echo").times(2).status(503, "1");
    HttpResponse<byte[]> first = send("PUT", "/echo", HttpRequest.BodyPublishers.ofByteArray(DATA));
    assertThat(first.statusCode()).isEqualTo(503);
    assertThat(first.headers().firstValue("Retry-After")).contains("1");
    assertThat(send("GET", "/chunked", HttpRequest.BodyPublishers.noBody()).statusCode()).as("other method").isEqualTo(200);
    assertThat(send("PUT", "/echo", HttpRequest.BodyPublishers.ofByteArray(DATA)).statusCode()).isEqualTo(503);
    assertThat(send("PUT", "/echo", HttpRequest.BodyPublishers.ofByteArray(DATA)).body()).isEqualTo(DATA);
    assertThat(r.hits()).isEqualTo(2);
    assertThat(proxy.connections()).as("the body of a refused request was drained: connection reused").isEqualTo(1);
  }

  @Test
  void bodyFaultsCutOrFlipExactlyWhereAsked() throws Exception {
    proxy.on("GET", "^/chunked").truncateAfter(100_000);
    assertThatThrownBy(() -> send("GET", "/chunked", HttpRequest.BodyPublishers.noBody()))
        .isInstanceOf(IOException.class);

    proxy.on("GET", "^/chunked").corruptAt(123_456);
    byte[] flipped = send("GET", "/chunked", HttpRequest.BodyPublishers.noBody()).body();
    assertThat(flipped).hasSameSizeAs(DATA);
    assertThat(flipped[123_456]).isEqualTo((byte) ~DATA[123_456]);
    flipped[123_456] = DATA[123_456];
    assertThat(flipped).isEqualTo(DATA);

    proxy.on("PUT", "^/echo").corruptRequestAt(7);
    byte[] echoed = send("PUT", "/echo", HttpRequest.BodyPublishers.ofByteArray(DATA)).body();
    assertThat(Arrays.mismatch(echoed, DATA)).isEqualTo(7);

    proxy.on("PUT", "^/echo").dropRequestAfter(1000);
    assertThatThrownBy(() -> send("PUT", "/echo", HttpRequest.BodyPublishers.ofByteArray(DATA)))
        .isInstanceOf(IOException.class);

    FaultProxy.Rule other = proxy.on("GET", "^/echo").dropResponseAfter(0);
    // a path no rule matches, after all of that, goes through unharmed
    assertThat(send("GET", "/chunked", HttpRequest.BodyPublishers.noBody()).body()).isEqualTo(DATA);
    assertThat(other.hits()).isZero();
  }
}
