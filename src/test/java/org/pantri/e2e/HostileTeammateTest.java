package org.pantri.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pantri.testsupport.Pantri;
import org.pantri.testsupport.RecordingServer;
import org.pantri.testsupport.RepoFixture;
import org.pantri.testsupport.TestServers;

/**
 * What a person who can push to the repository can make a retrieving host do. The teammate
 * commits config, names and destination settings; the host runs retrieve with its own secrets
 * against the real Swift. A recording listener on 127.0.0.1 stands for the teammate's server:
 * no secret of the host may ever reach it.
 */
@Tag("swift")
class HostileTeammateTest {
  @TempDir Path tmp;

  private String container;

  /** A Swift-backed repository with one stored binary, retrieved once by the host. */
  private RepoFixture swiftRepo() throws Exception {
    TestServers.requireSwift();
    container = "hostile-" + UUID.randomUUID().toString().substring(0, 8);
    RepoFixture f = new RepoFixture(tmp, "");
    writeConfig(f, "auth_url = \"" + TestServers.SWIFT_AUTH + "\"\n");
    f.pantri.env("ST_AUTH", TestServers.SWIFT_AUTH).env("ST_USER", TestServers.SWIFT_USER)
        .env("ST_KEY", TestServers.SWIFT_KEY).unset("OS_AUTH_TOKEN").unset("OS_STORAGE_URL")
        .unset("OS_AUTH_URL");
    f.binary("mac/tool.pkg", 50_000, 1);
    Pantri.Out s = f.store();
    assertThat(s.code()).as(s.toString()).isZero();
    f.commitAndPush("tool");
    Pantri.Out r = f.retrieve();
    assertThat(r.code()).as(r.toString()).isZero();
    return f;
  }

  private void writeConfig(RepoFixture f, String extra) throws Exception {
    Files.writeString(f.author.resolve("pantri.toml"), "[default]\nobject_store = \"swift\"\n"
        + "object_store_container = \"" + container + "\"\n" + extra);
    f.commitAndPush("config change");
  }

  private static String token(Path repo) throws Exception {
    return new ObjectMapper().readTree(repo.resolve(".pantri_auth_token").toFile()).get("auth_token").asText();
  }

  @Test
  void committedStorageUrlNeverReceivesTheHostsToken() throws Exception {
    RepoFixture f = swiftRepo();
    String token = token(f.server);
    try (RecordingServer evil = new RecordingServer()) {
      Files.delete(f.dest.resolve("mac/tool.pkg")); // something to download, so the store is used
      writeConfig(f, "auth_url = \"" + TestServers.SWIFT_AUTH + "\"\nstorage_url = \"" + evil.url() + "/v1/AUTH_test\"\n");
      Pantri.Out r = f.retrieve("--force");
      assertThat(r.code()).as(r.toString()).isEqualTo(4);
      assertThat(r.stderr()).contains("refusing to send").contains("[trust]");
      // the cached token is bound elsewhere, and a fresh login's token may not go there either
      Files.delete(f.server.resolve(".pantri_auth_token"));
      Pantri.Out again = f.retrieve("--force");
      assertThat(again.code()).as(again.toString()).isEqualTo(4);
      assertThat(evil.seen()).as("requests that reached the teammate's server").isEmpty();
      assertThat(evil.carrying(token, TestServers.SWIFT_KEY)).isEmpty();

      // the host itself may vouch for the endpoint: then (and only then) the token goes there
      f.pantri.env("PANTRI_TRUST_ENDPOINTS", evil.url());
      Pantri.Out trusted = f.retrieve("--force");
      f.pantri.unset("PANTRI_TRUST_ENDPOINTS");
      assertThat(evil.seen()).as(trusted.toString()).isNotEmpty();
      assertThat(evil.carrying(token(f.server))).isNotEmpty();
    }
  }

  @Test
  void committedAuthUrlNeverReceivesThePasswordFile() throws Exception {
    RepoFixture f = swiftRepo();
    Path pw = f.server.resolve(".pantri_password");
    Files.writeString(pw, "{\"username\": \"" + TestServers.SWIFT_USER + "\", \"password\": \""
        + TestServers.SWIFT_KEY + "\"}");
    Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
    f.pantri.unset("ST_AUTH").unset("ST_USER").unset("ST_KEY");
    Files.delete(f.server.resolve(".pantri_auth_token"));
    Files.delete(f.dest.resolve("mac/tool.pkg"));
    Pantri.Out first = f.retrieve("--force", "-p");
    assertThat(first.code()).as(first.toString()).isZero();
    // first use binds the password file to the auth URL it was accepted at
    assertThat(new ObjectMapper().readTree(pw.toFile()).get("auth_url").asText()).isEqualTo(TestServers.SWIFT_AUTH);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pw))).isEqualTo("rw-------");
    try (RecordingServer evil = new RecordingServer()) {
      writeConfig(f, "auth_url = \"" + evil.url() + "/auth/v1.0\"\n");
      f.binary("mac/second.pkg", 2000, 3);
      // the author stores with its own ST_* credentials (bound to its ST_AUTH, not the committed URL)
      f.pantri.env("ST_AUTH", TestServers.SWIFT_AUTH).env("ST_USER", TestServers.SWIFT_USER)
          .env("ST_KEY", TestServers.SWIFT_KEY);
      Pantri.Out s = f.store();
      assertThat(s.code()).as(s.toString()).isZero();
      f.commitAndPush("second");
      f.pantri.unset("ST_AUTH").unset("ST_USER").unset("ST_KEY");
      Files.delete(f.server.resolve(".pantri_auth_token"));
      Pantri.Out r = f.retrieve("-p");
      assertThat(r.code()).as(r.toString()).isZero();
      assertThat(r.stderr()).contains("is not the one .pantri_password is bound to");
      assertThat(f.dest.resolve("mac/second.pkg")).exists();
      assertThat(evil.seen()).as("requests that reached the teammate's server").isEmpty();
    }
  }

  @Test
  void tokenCachedForAForeignUrlIsNotSentAfterTheRevert() throws Exception {
    RepoFixture f = swiftRepo();
    String token = token(f.server);
    try (RecordingServer evil = new RecordingServer()) {
      // what an older Pantri left after a malicious storage_url was pushed and reverted
      Files.writeString(f.server.resolve(".pantri_auth_token"),
          "{\"auth_token\": \"" + token + "\", \"storage_url\": \"" + evil.url() + "/v1/AUTH_test\"}");
      f.binary("mac/third.pkg", 3000, 4);
      Pantri.Out s = f.store();
      assertThat(s.code()).isZero();
      f.commitAndPush("third");
      Pantri.Out r = f.retrieve();
      assertThat(r.code()).as(r.toString()).isZero();
      assertThat(f.dest.resolve("mac/third.pkg")).exists();
      assertThat(evil.seen()).isEmpty();
      String cache = Files.readString(f.server.resolve(".pantri_auth_token"));
      assertThat(cache).doesNotContain(evil.url()).contains("\"auth_url\"");
    }
  }

  @Test
  void environmentTokenStaysWithItsStorageUrl() throws Exception {
    RepoFixture f = swiftRepo();
    String token = token(f.server);
    Files.delete(f.server.resolve(".pantri_auth_token"));
    f.pantri.unset("ST_AUTH").unset("ST_USER").unset("ST_KEY")
        .env("OS_AUTH_TOKEN", token).env("OS_STORAGE_URL", "http://127.0.0.1:8080/v1/AUTH_test");
    try (RecordingServer evil = new RecordingServer()) {
      Files.delete(f.dest.resolve("mac/tool.pkg"));
      writeConfig(f, "storage_url = \"" + evil.url() + "/v1/AUTH_test\"\n");
      Pantri.Out r = f.retrieve("--force");
      assertThat(r.code()).as(r.toString()).isEqualTo(4);
      assertThat(r.stderr()).contains("OS_AUTH_TOKEN").doesNotContain(token);
      assertThat(evil.seen()).isEmpty();
    }
  }

  @Test
  void debugLogRedactsUserInfoAndQueries() throws Exception {
    RepoFixture f = swiftRepo();
    writeConfig(f, "auth_url = \"" + TestServers.SWIFT_AUTH + "\"\nstorage_url = "
        + "\"http://someone:Pw-Secret-1@127.0.0.1:8080/v1/AUTH_test?temp_url_sig=Sig-Secret-2\"\n");
    Files.delete(f.dest.resolve("mac/tool.pkg"));
    Pantri.Out r = f.retrieve("--force", "--verbose");
    assertThat(r.stderr() + r.stdout()).doesNotContain("Pw-Secret-1").doesNotContain("Sig-Secret-2")
        .doesNotContain(token(f.server)).doesNotContain(TestServers.SWIFT_KEY + "\"");
  }

  // ---------------------------------------------------------------- committed destinations (fs store)

  @Test
  void committedDestinationInsideGitIsRefusedAndNoHookIsWritten() throws Exception {
    RepoFixture f = new RepoFixture(tmp);
    f.text("hooks/post-merge", "#!/bin/sh\ntouch " + tmp.resolve("pwned") + "\n");
    Files.writeString(f.author.resolve("pantri.toml"), "[default]\nobject_store = \"fs\"\nstorage_url = \""
        + f.store + "\"\n[shelves.hooks]\ndest_sync = \".git\"\n");
    f.commitAndPush("hooks");
    Pantri.Out r = f.pantri.run(f.server, "retrieve");
    assertThat(r.code()).as(r.toString()).isEqualTo(3);
    assertThat(r.stderr()).contains("git directory");
    assertThat(f.server.resolve(".git/hooks/post-merge")).doesNotExist();
    f.pantri.run(f.server, "retrieve");
    assertThat(tmp.resolve("pwned")).doesNotExist();
    // through a link to .git, and with a differently cased name, likewise
    Files.createSymbolicLink(f.server.resolve("gitlink"), f.server.resolve(".git"));
    for (String d : new String[] {"gitlink", ".GIT/x", "."}) {
      Files.writeString(f.author.resolve("pantri.toml"), "[default]\nobject_store = \"fs\"\nstorage_url = \""
          + f.store + "\"\ndest_sync = \"" + d + "\"\n");
      f.commitAndPush("dest " + d);
      Pantri.Out x = f.pantri.run(f.server, "retrieve");
      assertThat(x.code()).as(d + ": " + x).isEqualTo(3);
      assertThat(f.server.resolve(".git/hooks/post-merge")).doesNotExist();
    }
  }

  @Test
  void committedDestinationOutsideTheRepositoryNeedsTheHostsConsent() throws Exception {
    RepoFixture f = new RepoFixture(tmp);
    f.binary("mac/tool.pkg", 1000, 1);
    assertThat(f.store().code()).isZero();
    Path outside = tmp.resolve("etc-like");
    Files.writeString(f.author.resolve("pantri.toml"), "[default]\nobject_store = \"fs\"\nstorage_url = \""
        + f.store + "\"\ndest_sync = \"" + outside + "\"\n");
    f.commitAndPush("dest outside");
    Pantri.Out r = f.pantri.run(f.server, "retrieve");
    assertThat(r.code()).as(r.toString()).isEqualTo(3);
    assertThat(r.stderr()).contains("outside the repository").contains("PANTRI_TRUST_DESTINATIONS");
    assertThat(outside).doesNotExist();
    // the repository's parent contains the repository: never
    Pantri.Out parent = f.pantri.run(f.server, "retrieve", "-d", tmp.toString());
    assertThat(parent.code()).as(parent.toString()).isEqualTo(2);
    // a host that allows it in its own config gets it
    Files.createDirectories(f.pantri.home().resolve("config/pantri"));
    Files.writeString(f.pantri.home().resolve("config/pantri/config.toml"),
        "[trust]\ndestinations = [\"" + tmp + "\"]\n");
    Pantri.Out ok = f.pantri.run(f.server, "retrieve");
    assertThat(ok.code()).as(ok.toString()).isZero();
    assertThat(outside.resolve("mac/tool.pkg")).exists();
  }

  @Test
  void committedDestinationAmongTrackedFilesIsRefused() throws Exception {
    RepoFixture f = new RepoFixture(tmp);
    Files.createDirectories(f.author.resolve("scripts"));
    Files.writeString(f.author.resolve("scripts/deploy.sh"), "echo deploy\n");
    Files.writeString(f.author.resolve("pantri.toml"), "[default]\nobject_store = \"fs\"\nstorage_url = \""
        + f.store + "\"\ndest_sync = \"scripts\"\n");
    f.text("mac/readme.txt", "hello\n");
    f.commitAndPush("dest on tracked files");
    Pantri.Out r = f.pantri.run(f.server, "retrieve");
    assertThat(r.code()).as(r.toString()).isEqualTo(3);
    assertThat(r.stderr()).contains("tracked by git");
    assertThat(f.pantri.git(f.server, "status", "--porcelain")).isEmpty();
  }

  // ---------------------------------------------------------------- committed names

  @Test
  void inPlaceRetrieveNeverOverwritesACommittedFile() throws Exception {
    RepoFixture f = new RepoFixture(tmp);
    f.binary("mac/tool.pkg", 5000, 1);
    assertThat(f.store().code()).isZero();
    f.commitAndPush("tool");
    // the teammate commits a file (and a link) under the names of pitems' binaries
    Path pitem = f.author.resolve("shelves/mac/tool.pkg.pitem");
    Files.copy(pitem, f.author.resolve("shelves/mac/script.sh.pitem"));
    Files.writeString(f.author.resolve("shelves/mac/script.sh.pitem"),
        Files.readString(pitem).replace("mac/tool.pkg", "mac/script.sh"));
    Files.writeString(f.author.resolve("shelves/mac/script.sh"), "echo committed\n");
    Files.writeString(f.author.resolve("shelves/mac/link.pkg.pitem"),
        Files.readString(pitem).replace("mac/tool.pkg", "mac/link.pkg"));
    Files.createSymbolicLink(f.author.resolve("shelves/mac/link.pkg"), Path.of("script.sh"));
    f.pantri.git(f.author, "add", "-f", "shelves/mac/script.sh", "shelves/mac/link.pkg");
    f.commitAndPush("shadowing names");
    Pantri.Out r = f.pantri.run(f.server, "retrieve", "-d", "shelves");
    assertThat(r.code()).as(r.toString()).isEqualTo(6);
    assertThat(r.stderr()).contains("script.sh.pitem: a committed file has the same name")
        .contains("link.pkg.pitem: a committed file has the same name");
    assertThat(Files.readString(f.server.resolve("shelves/mac/script.sh"))).isEqualTo("echo committed\n");
    assertThat(Files.isSymbolicLink(f.server.resolve("shelves/mac/link.pkg"))).isTrue();
    assertThat(f.server.resolve("shelves/mac/tool.pkg")).exists();
    assertThat(f.pantri.git(f.server, "status", "--porcelain")).isEmpty();
    // the same pitems against a separate destination: refused there too
    Pantri.Out d = f.retrieve();
    assertThat(d.code()).as(d.toString()).isEqualTo(6);
    assertThat(Files.readString(f.dest.resolve("mac/script.sh"))).isEqualTo("echo committed\n");
  }

  @Test
  void nothingIsWrittenOutsideDestWhateverThePitemsSay() throws Exception {
    RepoFixture f = new RepoFixture(tmp);
    f.binary("mac/tool.pkg", 5000, 1);
    assertThat(f.store().code()).isZero();
    String good = Files.readString(f.author.resolve("shelves/mac/tool.pkg.pitem"));
    String[] keys = {"../../escape.pkg", "/etc/passwd", "mac/../../x.pkg", "mac\\\\x.pkg", "mac/.git/hooks/x"};
    int i = 0;
    for (String k : keys) {
      Files.writeString(f.author.resolve("shelves/mac/h" + i++ + ".pkg.pitem"), good.replace("mac/tool.pkg", k));
    }
    f.commitAndPush("hostile keys");
    Pantri.Out r = f.retrieve();
    assertThat(r.code()).as(r.toString()).isEqualTo(6);
    try (Stream<Path> s = Files.walk(tmp)) {
      assertThat(s.filter(p -> p.getFileName().toString().equals("escape.pkg") || p.getFileName().toString().equals("x.pkg")))
          .isEmpty();
    }
    assertThat(f.dest.resolve("mac/tool.pkg")).exists();
  }
}
