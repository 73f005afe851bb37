package org.pantri.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Each store declares exactly the keys it reads, and the README documents every one. */
class ProviderOptionsTest {
  private static final Pattern READ = Pattern.compile("\\.option\\(\\s*\"([a-z0-9_]+)\"");

  private static Set<String> keysRead(String pkg) throws IOException {
    Set<String> keys = new TreeSet<>();
    try (Stream<Path> files = Files.list(Path.of("src/main/java/org/pantri/store", pkg))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        Matcher m = READ.matcher(Files.readString(f));
        while (m.find()) {
          keys.add(m.group(1));
        }
      }
    }
    return keys;
  }

  private static Set<String> declared(String name) throws StoreException {
    Set<String> keys = new TreeSet<>();
    ObjectStores.provider(name).options().forEach(o -> keys.add(o.name()));
    return keys;
  }

  @Test
  void everyProviderDeclaresTheKeysItsStoreReads() throws IOException {
    for (String store : new String[] {"fs", "swift", "s3"}) {
      assertThat(declared(store)).as(store).isEqualTo(keysRead(store));
    }
    assertThat(ObjectStores.declaredOptions()).containsKeys("swift_timeout", "swift_etag_check",
        "segment_container", "s3_region", "s3_compat", "s3_max_parts", "s3_connect_timeout", "s3_read_timeout");
  }

  @Test
  void theConfigReferenceDocumentsEveryDeclaredKey() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    for (OptionSpec o : ObjectStores.declaredOptions().values()) {
      assertThat(readme).as(o.name()).contains("`" + o.name() + "`");
      assertThat(o.help()).isNotBlank();
    }
  }

  @Test
  void onlyFsIsALocalDirectory() throws StoreException {
    assertThat(ObjectStores.provider("fs").capabilities()).containsExactly(ObjectStoreProvider.Capability.LOCAL_DIRECTORY);
    assertThat(ObjectStores.provider("swift").capabilities()).isEmpty();
    assertThat(ObjectStores.provider("s3").capabilities()).isEmpty();
    assertThat(ObjectStores.find("Directory")).containsSame(ObjectStores.provider("fs"));
    assertThat(ObjectStores.find("nosuch")).isEmpty();
  }

  @Test
  void onlySwiftCanAuthenticate() throws StoreException {
    assertThat(ObjectStores.provider("swift").authenticator()).isPresent();
    assertThat(ObjectStores.provider("s3").authenticator()).isEmpty();
    assertThat(ObjectStores.provider("fs").authenticator()).isEmpty();
  }
}
