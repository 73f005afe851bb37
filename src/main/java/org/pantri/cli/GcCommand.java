package org.pantri.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pantri.core.GcOperation;
import org.pantri.core.Result;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "gc", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
    description = {"Find and delete objects no commit refers to.",
        "Find (and with --delete remove) objects no pitem in any commit reachable from any ref",
        "(branches, tags, remote-tracking branches, stash) points at, with their Swift SLO segments and",
        "S3 multipart leftovers. Content layout only. Without --delete it only reports."})
final class GcCommand implements Callable<Integer> {
  @ParentCommand Main parent;

  @Option(names = "--grace", paramLabel = "AGE", defaultValue = "7d",
      description = "Keep objects stored more recently than this (default 7d; 0 allowed; units s, m, h, d; a bare number is days).")
  String grace;

  @Option(names = "--delete", description = "Delete what the report lists (without it, nothing is deleted).")
  boolean delete;

  @Option(names = {"--max-delete", "--max_delete"}, paramLabel = "N",
      description = "Refuse to delete more than N objects (default: refuse to delete more than half of a store's objects).")
  Long maxDelete;

  @Option(names = "--fetch", description = "Run 'git fetch --prune --tags' for every remote first; stop if one fails.")
  boolean fetch;

  @Option(names = "--json", description = "One JSON document on stdout, with every garbage key.")
  boolean json;

  private static final Pattern AGE = Pattern.compile("(\\d+)\\s*([smhd]?)");

  static long parseGrace(String s) {
    Matcher m = AGE.matcher(s.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("--grace must be a number with an optional unit s, m, h or d (e.g. 7d, 12h, 0), not '" + s + "'");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> n;
      case "m" -> n * 60;
      case "h" -> n * 3600;
      default -> n * 86400;
    };
  }

  @Override
  public Integer call() {
    long graceSeconds;
    try {
      graceSeconds = parseGrace(grace);
      if (maxDelete != null && maxDelete < 0) {
        throw new IllegalArgumentException("--max-delete must be 0 or more");
      }
    } catch (IllegalArgumentException e) {
      System.err.println("pantri: " + e.getMessage());
      return ExitCodeMapper.USAGE;
    }
    return Run.execute(parent.global, false, "gc", (repo, ctx) -> {
      long t0 = System.nanoTime();
      GcOperation.Report rep = new GcOperation(repo, ctx).run(new GcOperation.Request(graceSeconds, delete,
          maxDelete == null ? -1 : maxDelete, fetch));
      double secs = (System.nanoTime() - t0) / 1e9;
      Result r = new Result();
      rep.refused().forEach(x -> ctx.reporter().warn("refused " + x + " (its SHA-256s, if any, are kept)"));
      List<Map<String, Object>> stores = new ArrayList<>();
      for (GcOperation.StoreReport s : rep.stores()) {
        String line = String.format(Locale.ROOT,
            "%s: %d object(s) (%s): %d live, %d newer than --grace %s, %d of unknown age, %d not gc's (outside sha256/<hash>);"
                + " garbage: %d object(s) (%s), %d part(s)",
            s.store, s.objects, Progress.human(s.objectBytes), s.live, s.young, grace, s.unknownAge, s.other,
            s.garbage.size(), Progress.human(s.garbageBytes), s.garbageParts.size());
        System.err.println(line);
        if (delete) {
          System.err.println(String.format(Locale.ROOT, "%s: deleted %d object(s) (%s) and %d part(s)%s",
              s.store, s.deleted, Progress.human(s.deletedBytes), s.deletedParts,
              s.deleted < s.garbage.size() ? "; " + (s.garbage.size() - s.deleted) + " kept (written again since the listing, or failed)" : ""));
        } else if (!json) {
          s.garbage.stream().limit(20).forEach(g -> System.err.println("  garbage: " + g.key()));
          if (s.garbage.size() > 20) {
            System.err.println("  ... and " + (s.garbage.size() - 20) + " more (--json lists every key)");
          }
        }
        for (String f : s.failed) {
          r.failed.add(new org.pantri.transfer.Failure(f, "gc: " + f, org.pantri.transfer.Failure.Kind.STORE));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("store", s.store);
        m.put("objects", s.objects);
        m.put("bytes", s.objectBytes);
        m.put("live", s.live);
        m.put("young", s.young);
        m.put("unknown_age", s.unknownAge);
        m.put("other", s.other);
        m.put("garbage", s.garbage.stream().map(g -> g.key()).toList());
        m.put("garbage_bytes", s.garbageBytes);
        m.put("garbage_parts", s.garbageParts.stream().map(p -> Map.of("key", p.ownerKey(), "id", p.id())).toList());
        m.put("deleted", s.deleted);
        m.put("deleted_bytes", s.deletedBytes);
        m.put("deleted_parts", s.deletedParts);
        m.put("requests", s.requests);
        stores.add(m);
      }
      int requests = rep.stores().stream().mapToInt(s -> s.requests).sum();
      System.err.println(String.format(Locale.ROOT, "gc: %d ref(s), %d commit(s), %d pitem version(s), %d live object(s);"
          + " %d store request(s) in %.2f s%s", rep.refs(), rep.commits(), rep.pitems(), rep.liveKeys(), requests, secs,
          delete ? "" : " — report only; nothing was deleted (add --delete to delete)"));
      if (json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("command", "gc");
        m.put("deleted", delete);
        m.put("grace_seconds", graceSeconds);
        m.put("refs", rep.refs());
        m.put("commits", rep.commits());
        m.put("pitems", rep.pitems());
        m.put("live", rep.liveKeys());
        m.put("refused", rep.refused());
        m.put("stores", stores);
        m.put("exit_code", ExitCodeMapper.of(r));
        System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m));
      }
      return r;
    });
  }

}
