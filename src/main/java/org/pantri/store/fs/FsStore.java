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
import java.util.Optional;
import org.pantri.io.AtomicFiles;
import org.pantri.store.Keys;
import org.pantri.store.ObjectInfo;
import org.pantri.store.ObjectNotFoundException;
import org.pantri.store.ObjectStore;
import org.pantri.store.PutMeta;
import org.pantri.store.PutResult;
import org.pantri.store.StoreException;

/**
 * Objects as plain files under a root directory (a local disk, an NFS/SMB mount, a USB drive).
 * Each object is written to a temp file beside its final name, synced, then renamed ({@link AtomicFiles}), so readers
 * never see a partial object. The file's mtime carries the source's mtime.
 */
public final class FsStore implements ObjectStore {
  private static final String TMP_PREFIX = AtomicFiles.TMP_PREFIX;
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

  private Path path(String key) throws StoreException {
    Path p = root.resolve(Keys.check(key)).normalize();
    if (!p.startsWith(root)) {
      throw new StoreException("invalid object key '" + key + "'");
    }
    return p;
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
      try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
          FileChannel out =
              FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        long size = in.size();
        long done = 0;
        while (done < size) {
          // in slices, so progress moves during a large copy
          long n = in.transferTo(done, Math.min(size - done, 8L << 20), out);
          if (n <= 0) {
            break;
          }
          done += n;
          org.pantri.store.SendProgress.sent(n);
        }
        if (done != meta.size()) {
          throw new StoreException(
              "source " + source + " has " + done + " bytes, expected " + meta.size());
        }
        out.force(false); // fdatasync: the data and its size, all a reader needs after a crash
      } catch (FileAlreadyExistsException e) {
        throw new StoreException("temp file collision in " + target.getParent(), e);
      }
      Files.setLastModifiedTime(tmp, FileTime.fromMillis(meta.mtimeSeconds() * 1000));
    }, true);
    return PutResult.unchecked(null); // a local copy: nothing in between to damage the bytes
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
