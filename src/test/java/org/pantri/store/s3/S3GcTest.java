package org.pantri.store.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pantri.scan.Hasher;
import org.pantri.testsupport.Pantri;
import org.pantri.testsupport.RepoFixture;
import org.pantri.testsupport.TestServers;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * gc against the real S3 API: an unreferenced multipart object is deleted, an abandoned multipart
 * upload of an unreferenced key is aborted, one of a live key is never touched.
 */
@Tag("s3")
class S3GcTest extends S3BucketTest {
  private static String key(Path file) throws Exception {
    String sha = Hasher.hash(file).sha256();
    return "sha256/" + sha.substring(0, 2) + "/" + sha.substring(2, 4) + "/" + sha;
  }

  private List<String> keys() {
    return raw.listObjectsV2Paginator(r -> r.bucket(bucket)).contents().stream().map(S3Object::key).toList();
  }

  private List<String> uploads() {
    return raw.listMultipartUploads(r -> r.bucket(bucket)).uploads().stream().map(u -> u.key()).toList();
  }

  private String abandon(String key) {
    String id = raw.createMultipartUpload(r -> r.bucket(bucket).key(key)).uploadId();
    raw.uploadPart(r -> r.bucket(bucket).key(key).uploadId(id).partNumber(1), RequestBody.fromBytes(new byte[1000]));
    return id;
  }

  @Test
  void deletesGarbageAndAbortsAbandonedUploadsButNotLiveOnes() throws Exception {
    RepoFixture f = new RepoFixture(tmp, "");
    Files.writeString(f.author.resolve("pantri.toml"), "[default]\nobject_store = \"s3\"\n"
        + "storage_url = \"" + TestServers.S3_ENDPOINT + "\"\nobject_store_container = \"" + bucket + "\"\n"
        + "s3_region = \"" + TestServers.S3_REGION + "\"\nsegment_size = 5242880\n");
    f.pantri.git(f.author, "add", "pantri.toml");
    f.pantri.git(f.author, "commit", "-q", "-m", "s3 config");
    f.pantri.git(f.author, "push", "-q");
    f.pantri.env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ACCESS_KEY_ID", TestServers.S3_ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", TestServers.S3_SECRET_KEY);
    Path live = f.binary("win/live.wim", 11 * 1024 * 1024, 1); // 3 parts
    Path small1 = f.binary("win/a.pkg", 5000, 2);
    Path small2 = f.binary("win/b.pkg", 6000, 3);
    assertThat(f.store().code()).isZero();
    f.commitAndPush("live");
    Path dead = f.binary("win/dead.wim", 6 * 1024 * 1024, 4); // multipart, never committed
    assertThat(f.store(f.author.resolve("shelves/win/dead.wim").toString()).code()).isZero();
    Files.delete(f.author.resolve("shelves/win/dead.wim.pitem"));
    String ghost = "sha256/ab/cd/" + "abcd".repeat(16);
    abandon(ghost);
    abandon(key(live)); // e.g. a store re-uploading it right now
    assertThat(uploads()).containsExactlyInAnyOrder(ghost, key(live));

    Pantri.Out young = f.pantri.run(f.author, "gc", "--delete");
    assertThat(young.code()).as(young.toString()).isZero();
    assertThat(keys()).contains(key(dead));
    assertThat(uploads()).hasSize(2);

    Pantri.Out gc = f.pantri.run(f.author, "gc", "--grace", "0", "--delete");
    assertThat(gc.code()).as(gc.toString()).isZero();
    assertThat(gc.stderr()).contains("deleted 1 object(s)").contains("1 part(s)");
    assertThat(keys()).containsExactlyInAnyOrder(key(live), key(small1), key(small2));
    assertThat(uploads()).containsExactly(key(live));
    assertThat(dead).exists();
  }
}
