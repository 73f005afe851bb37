package org.pantri.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {
  @TempDir Path tmp;

  private static final Set<String> STORE_KEYS = Set.of("swift_timeout", "s3_region", "segment_container");

  private Config load(String toml) throws IOException {
    Path f = tmp.resolve("pantri.toml");
    Files.writeString(f, toml);
    return Config.load(f, STORE_KEYS);
  }

  private Options resolve(Config c, String shelf, Map<String, Object> cli) throws RepoException {
    return c.resolve(shelf, cli, tmp, tmp.resolve("data"));
  }

  @Test
  void missingFileIsEmptyAndBuiltInDefaultsApply() throws IOException {
    Config c = Config.load(tmp.resolve("absent.toml"), STORE_KEYS);
    assertThat(c.warnings()).isEmpty();
    Options o = resolve(c, null, Map.of());
    assertThat(o.objectStore()).isEqualTo("fs");
    assertThat(o.storageUrl()).isEqualTo(tmp.resolve("data").toString());
    assertThat(o.container()).isNull();
    assertThat(o.ignorePatterns()).isEqualTo(Config.DEFAULT_IGNORES);
    assertThat(o.binaryOverrides()).isEmpty();
    assertThat(o.destSync()).isEqualTo(tmp.resolve("dest_sync"));
    assertThat(o.checksum()).isFalse();
    assertThat(o.layout()).isEqualTo(Layout.CONTENT);
    assertThat(o.segmentSize()).isZero();
    assertThat(o.jobs()).isEqualTo(8);
    assertThat(o.retries()).isEqualTo(5);
  }

  @Test
  void precedenceIsCliThenShelfThenDefaultThenBuiltIn() throws IOException {
    Config c = load("""
        [default]
        object_store = "swift"
        object_store_container = "pkgs"
        jobs = 4
        retries = 2
        dest_sync = "out"

        [shelves.mac]
        jobs = 6
        binary_overrides = ["*.plist"]
        dest_sync = "/srv/munki"
        """);
    Options none = resolve(c, null, Map.of());
    assertThat(none.jobs()).isEqualTo(4);
    assertThat(none.destSync()).isEqualTo(tmp.resolve("out"));
    assertThat(none.container()).isEqualTo("pkgs");

    Options mac = resolve(c, "mac", Map.of());
    assertThat(mac.jobs()).isEqualTo(6);
    assertThat(mac.retries()).isEqualTo(2);
    assertThat(mac.binaryOverrides()).containsExactly("*.plist");
    assertThat(mac.destSync()).isEqualTo(Path.of("/srv/munki"));

    Options cli = resolve(c, "mac", Map.of("jobs", 1, "object_store_container", "other"));
    assertThat(cli.jobs()).isEqualTo(1);
    assertThat(cli.container()).isEqualTo("other");
    assertThat(cli.retries()).isEqualTo(2);

    Options unknownShelf = resolve(c, "win", Map.of());
    assertThat(unknownShelf.jobs()).isEqualTo(4);
  }

  @Test
  void fsStorageUrlIsResolvedAgainstTheRepositoryButFileUrlsAreKept() throws IOException {
    Config c = load("[default]\nstorage_url = \"objects\"\n");
    assertThat(resolve(c, null, Map.of()).storageUrl()).isEqualTo(tmp.resolve("objects").toString());
    assertThat(resolve(c, null, Map.of("storage_url", "file:/x/y")).storageUrl()).isEqualTo("file:/x/y");
    Options swift = resolve(c, null, Map.of("object_store", "swift"));
    assertThat(swift.storageUrl()).isEqualTo("objects");
    assertThat(swift.container()).isEqualTo("pantri");
  }

  @Test
  void whichStoresUseLocalPathsIsTheProvidersSay() throws IOException {
    Config c = load("[default]\nstorage_url = \"objects\"\n");
    // an alias of the fs provider is a local directory too
    Options local = resolve(c, null, Map.of("object_store", "LOCAL"));
    assertThat(local.storageUrl()).isEqualTo(tmp.resolve("objects").toString());
    assertThat(local.container()).isNull();
    // a store no provider knows is not: the error about it comes when the store is opened
    Options plugin = resolve(c, null, Map.of("object_store", "nosuch"));
    assertThat(plugin.storageUrl()).isEqualTo("objects");
    assertThat(plugin.container()).isEqualTo("pantri");
  }

  @Test
  void invalidTomlNamesTheLine() throws IOException {
    assertThatThrownBy(() -> load("[default]\njobs = = 3\n")).isInstanceOf(RepoException.class)
        .hasMessageContaining("is not valid TOML").hasMessageContaining("line 2");
  }

  @Test
  void wrongShapesAreErrors() {
    assertThatThrownBy(() -> load("default = 3\n")).isInstanceOf(RepoException.class)
        .hasMessageContaining("[default] must be a table");
    assertThatThrownBy(() -> load("shelves = 3\n")).isInstanceOf(RepoException.class)
        .hasMessageContaining("'shelves' must be a table");
    assertThatThrownBy(() -> load("[default.jobs]\nx = 1\n")).isInstanceOf(RepoException.class)
        .hasMessageContaining("option 'jobs' must be a value or list");
  }

  @Test
  void badValuesAreErrorsOnResolve() throws IOException {
    assertThatThrownBy(() -> resolve(load("[default]\njobs = 0\n"), null, Map.of()))
        .isInstanceOf(RepoException.class).hasMessageContaining("jobs must be a whole number >= 1");
    assertThatThrownBy(() -> resolve(load("[default]\nchecksum = \"maybe\"\n"), null, Map.of()))
        .isInstanceOf(RepoException.class).hasMessageContaining("checksum must be true or false");
    assertThat(resolve(load("[default]\nchecksum = \"yes\"\n"), null, Map.of()).checksum()).isTrue();
  }

  @Test
  void secretsAreRefused() {
    for (String k : List.of("password", "swift_password", "secret_key", "auth_token", "api_key")) {
      assertThatThrownBy(() -> load("[default]\n" + k + " = \"x\"\n")).as(k).isInstanceOf(RepoException.class)
          .hasMessageContaining("sets '" + k + "'").hasMessageContaining("secrets never go in the committed config");
    }
    assertThatThrownBy(() -> load("[shelves.mac]\ntoken = \"x\"\n")).isInstanceOf(RepoException.class)
        .hasMessageContaining("[shelves.mac]");
  }

  @Test
  void unknownKeysStopTheRunNamingLineKeyAndTheClosestKnownKey() throws IOException {
    assertThatThrownBy(() -> load("""
        [default]
        job = 3
        swift_timout = 5
        completely_different = 1

        [shelve.mac]
        jobs = 1
        """))
        .isInstanceOf(RepoException.class)
        .hasMessageContaining("(line 2): [default] unknown option 'job' (did you mean 'jobs'?)")
        .hasMessageContaining("(line 3): [default] unknown option 'swift_timout' (did you mean 'swift_timeout'?)")
        .hasMessageContaining("(line 4): [default] unknown option 'completely_different'\n")
        .hasMessageContaining("(line 6): unknown table or key 'shelve'").hasMessageContaining("did you mean 'shelves'?");
    assertThatThrownBy(() -> load("[default]\nobjet_store = \"fs\"\n"))
        .hasMessageContaining("(line 2): [default] unknown option 'objet_store' (did you mean 'object_store'?)");
    assertThatThrownBy(() -> load("[default]\njobs = 2\n[shelves.\"mac\"]\nlayoutt = \"path\"\n"))
        .hasMessageContaining("(line 4): [shelves.mac] unknown option 'layoutt' (did you mean 'layout'?)");
  }

  @Test
  void shelfTablesMustNameExistingShelves() throws IOException {
    Config c = load("[shelves.mac]\njobs = 1\n[shelves.windos]\njobs = 2\n");
    c.checkShelves(List.of("mac", "windos"), tmp.resolve("pantri.toml"));
    assertThatThrownBy(() -> c.checkShelves(List.of("mac", "windows"), tmp.resolve("pantri.toml")))
        .isInstanceOf(RepoException.class)
        .hasMessageContaining("[shelves.windos] names no shelf").hasMessageContaining("did you mean 'windows'?");
  }

  @Test
  void storeKeysAreKnownOnlyWhenAProviderDeclaresThem() throws IOException {
    Path f = tmp.resolve("pantri.toml");
    Files.writeString(f, "[default]\nswift_timeout = 5\nplugin_speed = 3\n");
    assertThatThrownBy(() -> Config.load(f, STORE_KEYS)).hasMessageContaining("plugin_speed");
    assertThat(Config.load(f, Set.of("swift_timeout", "plugin_speed")).warnings()).isEmpty();
    Options o = Config.load(f, Set.of("swift_timeout", "plugin_speed")).resolve(null, Map.of(), tmp, tmp);
    assertThat(o.raw()).containsEntry("swift_timeout", "5").containsEntry("plugin_speed", "3");
  }

  @Test
  void storeIdentityCountsStoreKeysButNotCoreOnes() throws IOException {
    Config c = load("""
        [default]
        object_store = "swift"
        [shelves.a]
        jobs = 2
        ignore_patterns = ["x"]
        [shelves.b]
        segment_container = "segs"
        """);
    String base = resolve(c, null, Map.of()).storeIdentity();
    assertThat(resolve(c, "a", Map.of()).storeIdentity()).isEqualTo(base);
    assertThat(resolve(c, "b", Map.of()).storeIdentity()).isNotEqualTo(base).contains("segment_container=segs");
  }

  @Test
  void didYouMeanIsWithinTwoEdits() {
    assertThat(Config.distance("kitten", "sitting")).isEqualTo(3);
    assertThat(Config.distance("", "abc")).isEqualTo(3);
    assertThat(Config.distance("retries", "retries")).isZero();
    assertThat(Config.didYouMean("retires", Config.CORE_KEYS)).isEqualTo(" (did you mean 'retries'?)");
    assertThat(Config.didYouMean("Layout", Config.CORE_KEYS)).isEqualTo(" (did you mean 'layout'?)");
    assertThat(Config.didYouMean("zzzzzz", Config.CORE_KEYS)).isEmpty();
  }

  @Test
  void unknownLayoutIsAnError() throws IOException {
    assertThatThrownBy(() -> resolve(load("[default]\nlayout = \"flat\"\n"), null, Map.of()))
        .isInstanceOf(RepoException.class);
  }
}
