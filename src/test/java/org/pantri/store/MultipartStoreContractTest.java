package org.pantri.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The contract, plus what a store with the multipart capability (Swift SLO, S3 multipart) must do. */
public abstract class MultipartStoreContractTest extends ObjectStoreContractTest {

  @Test
  void multipartUploadAssemblesPartsInOrderAndResumes() throws Exception {
    assertThat(store).isInstanceOf(MultipartStore.class);
    MultipartStore mp = (MultipartStore) store;
    int partSize = (int) Math.min(mp.partSize(), 6 * 1024 * 1024);
    assertThat(partSize).isPositive();
    int size = partSize * 2 + 1000;
    Path f = file("big.bin", size, 42);
    PutMeta m = meta(f, 1_700_000_000L);
    MultipartStore.MultipartUpload up = mp.startMultipart("big/obj.bin", m);
    Map<Integer, String> etags = new java.util.TreeMap<>();
    etags.put(2, up.putPart(2, f, partSize, partSize).etag());
    // a second start for the same key and content finds part 2 and does not need it again
    MultipartStore.MultipartUpload again = mp.startMultipart("big/obj.bin", m);
    Map<Integer, String> stored = again.storedParts();
    assertThat(stored).containsOnlyKeys(2).containsEntry(2, etags.get(2));
    etags.put(1, again.putPart(1, f, 0, partSize).etag());
    etags.put(3, again.putPart(3, f, 2L * partSize, size - 2L * partSize).etag());
    again.complete(etags);
    assertThat(read(store, "big/obj.bin", 0)).isEqualTo(Files.readAllBytes(f));
    assertThat(store.stat("big/obj.bin").orElseThrow().size()).isEqualTo(size);
  }
}
