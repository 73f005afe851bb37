package org.pantri.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.pantri.transfer.Failure;

/**
 * What an operation did, for the summary, {@code --json} and the exit code (which the CLI derives). Paths are
 * repo-relative for store and absolute for retrieve. Thread-safe adds.
 */
public final class Result {
  public final List<String> stored = syncList();
  public final List<String> retrieved = syncList();
  public final List<String> copied = syncList();
  public final List<String> removed = syncList();
  public final List<String> skipped = syncList();
  public final List<String> refused = syncList();
  public final List<Failure> failed = java.util.Collections.synchronizedList(new ArrayList<>());
  public final List<String> upToDateShelves = syncList();
  /** verify: how the destination differs from its commit, one "path: what" line each. */
  public final List<String> differences = syncList();
  /** store: containers, buckets or directories that did not exist and were created. */
  public final List<String> created = syncList();
  public volatile boolean interrupted;
  /** The commit a retrieve synced (null for store, or before HEAD was known). */
  public volatile String commit;
  public volatile boolean dryRun;
  /** Bytes transferred; added to from worker threads, so an adder (a volatile {@code +=} loses updates). */
  public final LongAdder bytes = new LongAdder();
  /** Bytes put in place from content the destination already had (renames, duplicates), not downloaded. */
  public final java.util.concurrent.atomic.LongAdder reusedBytes = new java.util.concurrent.atomic.LongAdder();

  private static List<String> syncList() {
    return java.util.Collections.synchronizedList(new ArrayList<>());
  }
}
