package org.pantri.store.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pantri.testsupport.Pantri;
import org.pantri.testsupport.RepoFixture;
import org.pantri.testsupport.TestServers;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.model.S3Object;

/** store → commit → clone → retrieve through the real S3 API (Swift's s3api), driven by the CLI. */
@Tag("s3")
class S3EndToEndTest extends S3BucketTest {
  private RepoFixture fixture(String endpoint) throws Exception {
    RepoFixture f = new RepoFixture(tmp, "");
    Files.writeString(f.author.resolve("pantri.toml"), "[default]\nobject_store = \"s3\"\n"
        + "storage_url = \"" + endpoint + "\"\nobject_store_container = \"" + bucket + "\"\n"
        + "s3_region = \"" + TestServers.S3_REGION + "\"\nsegment_size = 5242880\n");
    f.pantri.git(f.author, "add", "pantri.toml");
    f.pantri.git(f.author, "commit", "-q", "-m", "s3 config");
    f.pantri.git(f.author, "push", "-q");
    f.pantri.git(f.server, "pull", "-q");
    // never ask an instance metadata service: nothing but 127.0.0.1 may be contacted here
    f.pantri.env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ACCESS_KEY_ID", TestServers.S3_ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", TestServers.S3_SECRET_KEY);
    return f;
  }

  private List<String> keys() {
    return raw.listObjectsV2Paginator(r -> r.bucket(bucket)).contents().stream().map(S3Object::key).toList();
  }

  @Test
  void roundTripWithMultipartAndDedup() throws Exception {
    RepoFixture f = fixture(TestServers.S3_ENDPOINT);
    for (int i = 0; i < 10; i++) {
      f.binary("mac/small" + i + ".pkg", 20_000 + i, i);
    }
    Path big = f.binary("win/image.wim", 12 * 1024 * 1024 + 777, 50); // 3 parts of 5 MiB
    f.binary("win/copy-of-small0.pkg", 20_000, 0);                     // same bytes as mac/small0.pkg
    f.text("mac/postinstall.sh", "echo hi\n");
    Pantri.Out s = f.store();
    assertThat(s.code()).as(s.toString()).isZero();
    f.commitAndPush("s3 packages");
    // 10 small + 1 big, the copy stored once, no multipart bookkeeping left behind
    assertThat(keys()).hasSize(11).allMatch(k -> k.startsWith("sha256/"));
    String bigSha = org.pantri.scan.Hasher.hash(big).sha256();
    String bigKey = "sha256/" + bigSha.substring(0, 2) + "/" + bigSha.substring(2, 4) + "/" + bigSha;
    // an independently configured client reads the multipart object byte for byte
    Path viaSdk = tmp.resolve("via-sdk.wim");
    raw.getObject(r -> r.bucket(bucket).key(bigKey), ResponseTransformer.toFile(viaSdk));
    assertThat(viaSdk).hasSameBinaryContentAs(big);

    Pantri.Out r = f.retrieve();
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(RepoFixture.tree(f.dest)).isEqualTo(f.expectedDest());
    Pantri.Out s2 = f.store("--json");
    assertThat(s2.code()).isZero();
    assertThat(s2.stdout()).contains("\"bytes\" : 0");
  }

  @Test
  void credentialAndEndpointErrorsAreOneClearLine() throws Exception {
    RepoFixture f = fixture(TestServers.S3_ENDPOINT);
    f.binary("mac/a.pkg", 5000, 1);
    f.pantri.env("AWS_SECRET_ACCESS_KEY", "wrong-s3cret-value");
    Pantri.Out wrong = f.store();
    assertThat(wrong.code()).as(wrong.toString()).isEqualTo(4);
    assertThat(wrong.stderr()).doesNotContain("wrong-s3cret-value").contains("AWS_SECRET_ACCESS_KEY");

    f.pantri.env("AWS_ACCESS_KEY_ID", "").env("AWS_SECRET_ACCESS_KEY", "")
        .env("AWS_SHARED_CREDENTIALS_FILE", tmp.resolve("none").toString())
        .env("AWS_CONFIG_FILE", tmp.resolve("none").toString());
    Pantri.Out none = f.store();
    assertThat(none.code()).as(none.toString()).isEqualTo(4);
    assertThat(none.stderr()).contains("AWS_ACCESS_KEY_ID");

    RepoFixture g = new RepoFixture(tmp.resolve("unreachable"), "");
    Files.writeString(g.author.resolve("pantri.toml"), "[default]\nobject_store = \"s3\"\n"
        + "storage_url = \"http://127.0.0.1:9\"\nobject_store_container = \"" + bucket + "\"\n");
    g.pantri.env("AWS_EC2_METADATA_DISABLED", "true").env("AWS_ACCESS_KEY_ID", "k").env("AWS_SECRET_ACCESS_KEY", "s");
    g.binary("mac/a.pkg", 5000, 1);
    Pantri.Out down = g.store("--retries", "0");
    assertThat(down.code()).as(down.toString()).isEqualTo(5);
    assertThat(down.stderr()).contains("127.0.0.1:9");
    assertThat(g.author.resolve("shelves/mac/a.pkg.pitem")).doesNotExist();
    assertThat(f.author.resolve("shelves/mac/a.pkg.pitem")).doesNotExist();
  }

  @Test
  void retrieveFromAMissingBucketFailsOnceAndCreatesNothing() throws Exception {
    RepoFixture f = fixture(TestServers.S3_ENDPOINT);
    f.binary("mac/a.pkg", 5000, 3);
    assertThat(f.store().code()).isZero();
    f.commitAndPush("a");
    String typo = bucket + "-typo";
    Pantri.Out r = f.retrieve("--object_store_container", typo);
    assertThat(r.code()).as(r.toString()).isEqualTo(5);
    assertThat(r.stderr()).contains("bucket '" + typo + "' does not exist").contains("object_store_container");
    assertThat(raw.listBuckets().buckets()).noneMatch(b -> b.name().equals(typo));
  }
}
