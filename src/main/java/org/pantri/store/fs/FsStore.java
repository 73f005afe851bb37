package org.pantri.store.fs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.pantri.store.Keys;
import org.pantri.store.ObjectInfo;
import org.pantri.store.ObjectNotFoundException;
import org.pantri.store.ObjectStore;
import org.pantri.store.PutMeta;
import org.pantri.store.StoreException;

/**
 * Objects as plain files under a root directory (a local disk, an NFS/SMB mount, a USB drive).
 * Each object is written to a temp file beside its final name, synced, then renamed, so readers
 * never see a partial object. The file's mtime carries the source's mtime.
 */
public final class FsStore implements ObjectStore {
  private static final String TMP_PREFIX = ".pantri-tmp-";
  private final Path root;

  public FsStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  @Override
  public String describe() {
    return "local directory " + root;
  }

  @Override
  public void prepare() throws IOException {
    try {
      Files.createDirectories(root);
    } catch (IOException e) {
      throw new StoreException("cannot create store directory " + root + ": " + e.getMessage(), e);
    }
    if (!Files.isDirectory(root) || !Files.isWritable(root)) {
      throw new StoreException("store directory " + root + " is not a writable directory");
    }
  }

  @Override
  public void prepareForReading() throws IOException {
    if (!Files.isDirectory(root)) {
      throw new StoreException("store directory " + root + " does not exist; check storage_url"
          + " (retrieve never creates it)");
    }
  }

  private Path path(String key) throws StoreException {
    Path p = root.resolve(Keys.check(key)).normalize();
    if (!p.startsWith(root)) {
      throw new StoreException("invalid object key '" + key + "'");
    }
    return p;
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
    try (Stream<Path> walk = Files.walk(start)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        String rel = root.relativize(p).toString().replace('\\', '/');
        if (!rel.startsWith(prefix) || p.getFileName().toString().startsWith(TMP_PREFIX)) {
          continue;
        }
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        if (a.isRegularFile()) {
          out.add(new ObjectInfo(rel, a.size(), org.pantri.store.FileTimes.pythonSeconds(a.lastModifiedTime()), null,
              storedAt(p, a)));
        }
      }
    }
    return out;
  }

  /**
   * When the object was written: its ctime (the rename into place sets it; the mtime carries the
   * source file's mtime instead), else the later of mtime and creation time.
   */
  static long storedAt(Path p, BasicFileAttributes a) {
    try {
      Object c = Files.getAttribute(p, "unix:ctime", java.nio.file.LinkOption.NOFOLLOW_LINKS);
      if (c instanceof FileTime t) {
        return t.toMillis() / 1000;
      }
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      // not a POSIX file system: fall through
    }
    return Math.max(a.lastModifiedTime().toMillis(), a.creationTime().toMillis()) / 1000;
  }

  @Override
  public void put(String key, Path source, PutMeta meta) throws IOException {
    Path target = path(key);
    Path dir = target.getParent();
    Files.createDirectories(dir);
    Path tmp = dir.resolve(TMP_PREFIX + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    try {
      try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
          FileChannel out =
              FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        long size = in.size();
        long done = 0;
        while (done < size) {
          long n = in.transferTo(done, size - done, out);
          if (n <= 0) {
            break;
          }
          done += n;
        }
        if (done != meta.size()) {
          throw new StoreException(
              "source " + source + " has " + done + " bytes, expected " + meta.size());
        }
        out.force(true);
      }
      Files.setLastModifiedTime(tmp, FileTime.fromMillis(meta.mtimeSeconds() * 1000));
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (FileAlreadyExistsException e) {
      throw new StoreException("temp file collision in " + dir, e);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  @Override
  public InputStream open(String key, long offset) throws IOException {
    Path p = path(key);
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
