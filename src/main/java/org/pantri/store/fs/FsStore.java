package org.pantri.store.fs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pantri.io.AtomicFiles;
import org.pantri.store.Keys;
import org.pantri.store.ObjectInfo;
import org.pantri.store.ObjectNotFoundException;
import org.pantri.store.ObjectStore;
import org.pantri.store.PutMeta;
import org.pantri.store.PutResult;
import org.pantri.store.StagingStore;
import org.pantri.store.StoreException;

/**
 * Objects as plain files under a root directory (a local disk, an NFS/SMB mount, a USB drive).
 * Each object is written to a temp file beside its final name, synced, then renamed ({@link AtomicFiles}), so readers
 * never see a partial object. The file's mtime carries the source's mtime. Small objects are staged
 * instead ({@link StagingStore}): written unsynced into a staging directory of this process and,
 * per batch, made durable by one sync of the file system, renamed into place, synced again.
 */
public final class FsStore implements StagingStore {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FsStore.class);
  private static final String TMP_PREFIX = AtomicFiles.TMP_PREFIX;
  private final Path root;

  public FsStore(Path root) {
    this(root, List.of("sync", "-f"));
  }

  /** {@code syncCommand}: the program that syncs the file system of the path it is given last. */
  FsStore(Path root, List<String> syncCommand) {
    this.root = root.toAbsolutePath().normalize();
    this.syncCommand = List.copyOf(syncCommand);
  }

  public Path root() {
    return root;
  }

  @Override
  public String describe() {
    return "local directory " + root;
  }

  private final java.util.List<String> created = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final org.pantri.io.KnownDirectories directories = new org.pantri.io.KnownDirectories();

  @Override
  public java.util.List<String> created() {
    return java.util.List.copyOf(created);
  }

  @Override
  public void prepare() throws IOException {
    if (Files.exists(root) && !Files.isDirectory(root)) {
      throw notADirectory();
    }
    try {
      if (!Files.exists(root)) {
        Files.createDirectories(root);
        created.add("store directory " + root);
      }
    } catch (IOException e) {
      throw new StoreException("cannot create store directory " + root + ": " + e.getMessage(), e);
    }
    if (!Files.isDirectory(root) || !Files.isWritable(root)) {
      throw new StoreException("store directory " + root + " is not a writable directory");
    }
    removeStaleStaging();
  }

  @Override
  public void prepareForReading() throws IOException {
    if (Files.exists(root) && !Files.isDirectory(root)) {
      throw notADirectory();
    }
    if (!Files.isDirectory(root)) {
      throw new StoreException("store directory " + root + " does not exist; check storage_url"
          + " (retrieve never creates it)");
    }
  }

  private StoreException notADirectory() {
    return new StoreException(root + " is a file, not a directory; storage_url for the fs store must name a directory");
  }

  /**
   * The object's file. A checked key has no empty, "." or ".." segment and is relative, so it
   * resolves below the (normalized) root as it is: no normalize() and startsWith() per object.
   */
  private Path path(String key) throws StoreException {
    return root.resolve(Keys.check(key));
  }

  @Override
  public boolean cheapStat() {
    return true;
  }

  @Override
  public Optional<ObjectInfo> stat(String key) throws IOException {
    Path p = path(key);
    try {
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
      if (!a.isRegularFile()) {
        return Optional.empty();
      }
      return Optional.of(new ObjectInfo(key, a.size(), org.pantri.store.FileTimes.pythonSeconds(a.lastModifiedTime()), null));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public List<ObjectInfo> list(String prefix) throws IOException {
    List<ObjectInfo> out = new ArrayList<>();
    // Walk only the directory that can hold the prefix, then filter by the full prefix.
    int slash = prefix.lastIndexOf('/');
    Path start = slash < 0 ? root : path(prefix.substring(0, slash));
    if (!Files.isDirectory(start)) {
      return out;
    }
    listInto(start, prefix, out);
    return out;
  }

  /**
   * One stat per entry, ctime included ("unix" view): a listing of 100,000 objects is a third of
   * the stats that Files.walk, a basic read and a ctime read each took.
   */
  private void listInto(Path dir, String prefix, List<ObjectInfo> out) throws IOException {
    try (java.nio.file.DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        if (p.getFileName().toString().startsWith(TMP_PREFIX)) {
          continue;
        }
        java.util.Map<String, Object> a;
        try {
          a = Files.readAttributes(p, UNIX_ATTRIBUTES, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
          continue; // removed while listing (a concurrent gc)
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
          a = basicAttributes(p);
        }
        String rel = root.relativize(p).toString().replace('\\', '/');
        if (Boolean.TRUE.equals(a.get("isDirectory"))) {
          // only directories that can hold keys with the prefix
          if (prefix.startsWith(rel + "/") || (rel + "/").startsWith(prefix)) {
            listInto(p, prefix, out);
          }
        } else if (Boolean.TRUE.equals(a.get("isRegularFile")) && rel.startsWith(prefix)) {
          FileTime mtime = (FileTime) a.get("lastModifiedTime");
          Object ctime = a.get("ctime");
          long storedAt = ctime instanceof FileTime t ? t.toMillis() / 1000
              : Math.max(mtime.toMillis(), ((FileTime) a.get("creationTime")).toMillis()) / 1000;
          out.add(new ObjectInfo(rel, (Long) a.get("size"), org.pantri.store.FileTimes.pythonSeconds(mtime), null,
              storedAt));
        }
      }
    }
  }

  private static final String UNIX_ATTRIBUTES = "unix:isDirectory,isRegularFile,size,lastModifiedTime,ctime";

  /** Where there is no "unix" view: the basic attributes under the same names, no ctime. */
  private static java.util.Map<String, Object> basicAttributes(Path p) throws IOException {
    return Files.readAttributes(p, "isDirectory,isRegularFile,size,lastModifiedTime,creationTime",
        java.nio.file.LinkOption.NOFOLLOW_LINKS);
  }

  @Override
  public PutResult put(String key, Path source, PutMeta meta) throws IOException {
    Path target = path(key);
    directories.ensure(target.getParent());
    AtomicFiles.write(target, tmp -> {
      FileChannel out = copy(source, meta, tmp);
      try (out) {
        out.force(false); // fdatasync: the data and its size, all a reader needs after a crash
      }
      Files.setLastModifiedTime(tmp, FileTime.fromMillis(meta.mtimeSeconds() * 1000));
    }, true);
    return PutResult.unchecked(null); // a local copy: nothing in between to damage the bytes
  }

  /** Copies {@code source} into the new file {@code tmp}; returns its channel, still open. */
  private static FileChannel copy(Path source, PutMeta meta, Path tmp) throws IOException {
    FileChannel out;
    try {
      out = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    } catch (FileAlreadyExistsException e) {
      throw new StoreException("temp file collision in " + tmp.getParent(), e);
    }
    try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ)) {
      long size = in.size();
      long done = 0;
      org.pantri.io.WriteBehind writeBehind = new org.pantri.io.WriteBehind(out, 0);
      while (done < size) {
        // in slices, so progress moves during a large copy, and its writeback starts early
        long n = in.transferTo(done, Math.min(size - done, org.pantri.io.WriteBehind.EVERY), out);
        if (n <= 0) {
          break;
        }
        done += n;
        org.pantri.store.SendProgress.sent(n);
        writeBehind.written(done);
      }
      if (done != meta.size()) {
        throw new StoreException("source " + source + " has " + done + " bytes, expected " + meta.size());
      }
      return out;
    } catch (IOException | RuntimeException e) {
      out.close();
      throw e;
    }
  }

  // ---------------------------------------------------------------- staging (group commit)

  /** Objects up to this size are staged and synced per batch; a larger one pays its own fdatasync. */
  static final long STAGE_MAX = 4L << 20;
  /** A dead writer's staging directory untouched this long is removed by the next run. */
  static final long STALE_STAGING_MILLIS = 10 * 60 * 1000L;
  /** Younger than this, a staging directory may be a live run's that has yet to make or lock its .lock. */
  static final long FRESH_STAGING_MILLIS = 2_000;
  private static final String STAGING_SUFFIX = ".staging";
  private static final String LOCK = ".lock";

  private record FsStaged(String key, Path tmp, Path target) implements Staged {}

  private final java.util.concurrent.atomic.AtomicLong staged = new java.util.concurrent.atomic.AtomicLong();
  private Path staging;
  private java.nio.channels.FileLock stagingLock;
  private final List<String> syncCommand;
  private volatile boolean syncfsWorks = true;

  @Override
  public boolean stages(long size) {
    return size <= STAGE_MAX;
  }

  @Override
  public Staged stage(String key, Path source, PutMeta meta) throws IOException {
    Path target = path(key);
    Path tmp = stagingDirectory().resolve(Long.toString(staged.incrementAndGet()));
    try {
      copy(source, meta, tmp).close();
      Files.setLastModifiedTime(tmp, FileTime.fromMillis(meta.mtimeSeconds() * 1000));
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    return new FsStaged(key, tmp, target);
  }

  /**
   * This process's staging directory, made on first use in the store's root (so a rename moves an
   * object into place on the same file system): {@code .pantri-tmp-<pid>-<random>.staging},
   * skipped by listings like every temp name and removed at close. Its {@code .lock} stays locked
   * while this process lives, which is how a later run tells a killed run's directory.
   */
  private synchronized Path stagingDirectory() throws IOException {
    if (staging == null) {
      Path dir = root.resolve(AtomicFiles.tempBeside(root.resolve("x")).getFileName() + STAGING_SUFFIX);
      Files.createDirectory(dir);
      FileChannel ch = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      try {
        stagingLock = ch.tryLock();
      } catch (IOException e) {
        ch.close(); // a file system without locks: the next runs go by the directory's age instead
        LOG.debug("cannot lock {}: {}", dir.resolve(LOCK), e.toString());
      }
      staging = dir;
    }
    return staging;
  }

  @Override
  public Map<Staged, IOException> publish(List<Staged> batch) {
    Map<Staged, IOException> failed = new java.util.LinkedHashMap<>();
    List<FsStaged> all = new ArrayList<>();
    batch.forEach(s -> all.add((FsStaged) s));
    try {
      syncData(all);
    } catch (IOException e) {
      all.forEach(s -> failed.put(s, e));
      all.forEach(this::discard);
      return failed;
    }
    java.util.Set<Path> dirs = new java.util.LinkedHashSet<>();
    for (FsStaged s : all) {
      try {
        directories.ensure(s.target().getParent());
        moveIntoPlace(s.tmp(), s.target());
        dirs.add(s.target().getParent());
      } catch (IOException e) {
        failed.put(s, e);
        discard(s);
      }
    }
    try {
      syncNames(dirs);
    } catch (IOException e) {
      // the objects are whole and in place; only a power loss now could take their names back
      all.stream().filter(s -> !failed.containsKey(s)).forEach(s -> failed.put(s, e));
    }
    return failed;
  }

  private static void moveIntoPlace(Path tmp, Path target) throws IOException {
    try {
      AtomicFiles.moveAtomic(tmp, target);
    } catch (java.nio.file.AtomicMoveNotSupportedException e) {
      // The target's directory is on another file system than the staging directory: copy the
      // object beside its name, synced, as an unstaged put does; the staged file goes.
      AtomicFiles.write(target, t -> {
        Files.copy(tmp, t, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        try (FileChannel ch = FileChannel.open(t, StandardOpenOption.WRITE)) {
          ch.force(false);
        }
      }, true);
      Files.deleteIfExists(tmp);
    }
  }

  /** The staged bytes, durable: one syncfs for all, or (where there is none) an fdatasync each. */
  private void syncData(List<FsStaged> all) throws IOException {
    if (syncFileSystem()) {
      return;
    }
    for (FsStaged s : all) {
      try (FileChannel ch = FileChannel.open(s.tmp(), StandardOpenOption.WRITE)) {
        ch.force(false);
      }
    }
  }

  /** The renames, durable: one syncfs, or an fsync of each directory they were made in. */
  private void syncNames(java.util.Set<Path> dirs) throws IOException {
    if (dirs.isEmpty() || syncFileSystem()) {
      return;
    }
    for (Path d : dirs) {
      try (FileChannel ch = FileChannel.open(d, StandardOpenOption.READ)) {
        ch.force(true);
      } catch (IOException e) {
        // some systems cannot open or sync a directory; the rename still reaches the disk with the journal
        LOG.debug("cannot fsync directory {}: {}", d, e.toString());
      }
    }
  }

  /**
   * syncfs(2) of the store's file system through coreutils' {@code sync -f} (the JDK 17 the
   * jar targets cannot call it directly). False, once and for the rest of the run, where that
   * is not available (no such option, another OS): the caller then syncs file by file.
   */
  private boolean syncFileSystem() throws IOException {
    if (!syncfsWorks) {
      return false;
    }
    Process p;
    try {
      List<String> cmd = new ArrayList<>(syncCommand);
      cmd.add(root.toString());
      p = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    } catch (IOException e) {
      LOG.debug("no sync -f here ({}): syncing file by file", e.toString());
      syncfsWorks = false;
      return false;
    }
    try {
      int rc = p.waitFor();
      if (rc != 0) {
        LOG.debug("{} {} exited {}: syncing file by file", syncCommand, root, rc);
        syncfsWorks = false;
        return false;
      }
      return true;
    } catch (InterruptedException e) {
      p.destroy();
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while syncing " + root);
    }
  }

  /** False once a sync of the whole file system failed and this store syncs file by file. */
  boolean syncsFileSystem() {
    return syncfsWorks;
  }

  @Override
  public void discard(Staged s) {
    try {
      Files.deleteIfExists(((FsStaged) s).tmp());
    } catch (IOException e) {
      LOG.debug("cannot remove staged {}: {}", ((FsStaged) s).tmp(), e.toString());
    }
  }

  /** Removes this process's staging directory with whatever was never published. */
  @Override
  public synchronized void close() {
    if (staging != null) {
      deleteTree(staging);
      staging = null;
    }
    if (stagingLock != null) {
      try {
        stagingLock.channel().close();
      } catch (IOException e) {
        LOG.debug("cannot close the staging lock: {}", e.toString());
      }
      stagingLock = null;
    }
  }

  /**
   * Staging directories of runs that were killed: their {@code .lock} can be locked (its owner is
   * gone; a live one holds it, on this host or, where the file system has locks, another). Where
   * locking fails, one whose writer is not alive here and that has not changed for {@link
   * #STALE_STAGING_MILLIS} (a live run touches its directory with every object it stages).
   */
  private void removeStaleStaging() {
    try (java.nio.file.DirectoryStream<Path> entries = Files.newDirectoryStream(root,
        e -> e.getFileName().toString().startsWith(TMP_PREFIX) && e.getFileName().toString().endsWith(STAGING_SUFFIX))) {
      for (Path dir : entries) {
        if (abandoned(dir)) {
          LOG.info("removing {}, left by an interrupted run", dir);
          deleteTree(dir);
        }
      }
    } catch (IOException e) {
      LOG.debug("cannot look for stale staging directories in {}: {}", root, e.toString());
    }
  }

  private static boolean abandoned(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.WRITE)) {
      java.nio.channels.FileLock l = ch.tryLock();
      if (l == null) {
        return false;
      }
      l.release();
      return untouchedFor(dir, FRESH_STAGING_MILLIS); // not one a live run made a moment ago and has yet to lock
    } catch (java.nio.channels.OverlappingFileLockException e) {
      return false; // this process's own
    } catch (NoSuchFileException e) {
      // no .lock: a run killed between making the directory and its lock, or while removing it;
      // a live run makes its lock right after the directory, and removing entries touches it
      return untouchedFor(dir, FRESH_STAGING_MILLIS);
    } catch (IOException e) {
      long pid = AtomicFiles.writerPid(dir.getFileName().toString());
      boolean alive = pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
      return !alive && untouchedFor(dir, STALE_STAGING_MILLIS);
    }
  }

  private static boolean untouchedFor(Path dir, long millis) throws IOException {
    return System.currentTimeMillis() - Files.getLastModifiedTime(dir).toMillis() > millis;
  }

  private static void deleteTree(Path dir) {
    try (java.nio.file.DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      LOG.debug("cannot remove {}: {}", dir, e.toString());
    }
  }

  @Override
  public InputStream open(String key, long offset) throws IOException {
    Path p = path(key);
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(p, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw new ObjectNotFoundException(key, describe());
    }
    if (!a.isRegularFile()) {
      // A FIFO or device would block the reader (or never end); a directory is no object either.
      throw new StoreException("object '" + key + "' in " + describe() + " is not a regular file ("
          + (a.isDirectory() ? "a directory" : "a FIFO, socket or device") + "); it cannot be read");
    }
    FileChannel ch;
    try {
      ch = FileChannel.open(p, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new ObjectNotFoundException(key, describe());
    }
    if (offset > 0) {
      ch.position(offset);
    }
    return Channels.newInputStream(ch);
  }

  @Override
  public void delete(String key) throws IOException {
    Files.deleteIfExists(path(key));
  }
}
