package org.pantri.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The helpers Swift and S3 share instead of each keeping a copy: PartPlan, HttpStatuses, FileRange. */
class SharedStoreHelpersTest {
  @TempDir Path tmp;

  @Test
  void partPlanCoversTheFileExactlyOnce() {
    PartPlan p = new PartPlan(10_001, 1000);
    assertThat(p.count()).isEqualTo(11);
    long sum = 0;
    for (int n = 1; n <= p.count(); n++) {
      assertThat(p.offset(n)).isEqualTo(sum);
      sum += p.length(n);
      assertThat(p.matches(n, p.offset(n), p.length(n))).isTrue();
    }
    assertThat(sum).isEqualTo(10_001);
    assertThat(p.length(11)).isEqualTo(1);
    assertThat(p.length(12)).isZero();
    assertThat(p.matches(12, 11_000, 0)).isFalse();
    assertThat(p.matches(2, 1000, 999)).isFalse();
    assertThat(new PartPlan(0, 5).count()).isEqualTo(1);
    assertThat(new PartPlan(1L << 40, 1L << 30).count()).isEqualTo(1024);
  }

  @Test
  void partSizeIsRaisedOnlyWhenTooManyPartsWouldBeNeeded() {
    assertThat(PartPlan.fit(999_000, 1000, 1000, 1)).isEqualTo(1000);
    assertThat(PartPlan.fit(1_500_000, 1000, 1000, 1024)).isEqualTo(2048);
    long fit = PartPlan.fit(5L << 40, 64L << 20, 10_000, 1L << 20);
    assertThat(new PartPlan(5L << 40, fit).count()).isLessThanOrEqualTo(10_000);
    assertThat(fit % (1L << 20)).isZero();
  }

  @Test
  void retryableStatusesAndRetryAfterInEveryForm() {
    for (int s : new int[] {408, 429, 500, 502, 503, 504}) {
      assertThat(HttpStatuses.isRetryable(s)).as("%d", s).isTrue();
    }
    for (int s : new int[] {200, 400, 401, 403, 404, 413, 416, 422, 501}) {
      assertThat(HttpStatuses.isRetryable(s)).as("%d", s).isFalse();
    }
    assertThat(HttpStatuses.retryAfter("7")).isEqualTo(Duration.ofSeconds(7));
    assertThat(HttpStatuses.retryAfter(" 0.25 ")).isEqualTo(Duration.ofMillis(250));
    assertThat(HttpStatuses.retryAfter(null)).isNull();
    assertThat(HttpStatuses.retryAfter("-3")).isNull();
    assertThat(HttpStatuses.retryAfter("soon")).isNull();
    String inTenSeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(10));
    assertThat(HttpStatuses.retryAfter(inTenSeconds)).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(11));
    assertThat(HttpStatuses.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).isEqualTo(Duration.ZERO);
  }

  @Test
  void md5OfARange() throws Exception {
    Path f = Files.writeString(tmp.resolve("f"), "xxhelloyy");
    assertThat(FileRange.md5Hex(f, 2, 5)).isEqualTo("5d41402abc4b2a76b9719d911017c592");
    assertThat(HexFormat.of().formatHex(FileRange.md5(f, 0, 0))).isEqualTo("d41d8cd98f00b204e9800998ecf8427e");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> FileRange.md5(f, 5, 10))
        .hasMessageContaining("shorter");
  }

  @Test
  void putResultIsDamagedOnlyWhenCheckableFactsDisagree() {
    assertThat(PutResult.md5("ABC", "abc").damaged()).isFalse();
    assertThat(PutResult.md5("\"abc\"", "abc").damaged()).isFalse();
    assertThat(PutResult.md5("abd", "abc").damaged()).isTrue();
    assertThat(PutResult.md5("abc", null).damaged()).as("not all bytes sent").isTrue();
    assertThat(PutResult.md5(null, "abc").damaged()).as("no ETag").isTrue();
    assertThat(PutResult.unchecked("anything").damaged()).isFalse();
  }
}
