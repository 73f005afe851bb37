package org.pantri.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.pantri.core.LsOperation;
import org.pantri.core.Result;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "ls", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
    description = {"List the pitems with size, mtime and SHA-256.",
        "List the pitems under the paths (default: all of shelves/): size, mtime, SHA-256 prefix,",
        "path; with --remote also whether the store holds each object (one listing, not a request each)."})
final class LsCommand implements Callable<Integer> {
  @ParentCommand Main parent;

  @Parameters(paramLabel = "PATH", arity = "0..*", description = "Files, pitems or directories inside shelves/.")
  List<Path> paths = new ArrayList<>();

  @Option(names = "--remote", description = "Check the store: ok, missing, or the size it holds.")
  boolean remote;

  @Option(names = "--json", description = "One JSON document on stdout.")
  boolean json;

  @Override
  public Integer call() {
    return Run.execute(parent.global, false, "ls", (repo, ctx) -> {
      LsOperation.Listing l = new LsOperation(repo, ctx).run(paths, remote);
      Result r = new Result();
      l.refused().forEach(x -> {
        r.refused.add(x);
        System.err.println("refused " + x);
      });
      int bad = 0;
      List<Map<String, Object>> rows = new ArrayList<>();
      for (LsOperation.Entry e : l.entries()) {
        if (e.remote() != null && !e.remote().equals("ok")) {
          bad++;
        }
        if (json) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("path", e.path());
          m.put("size", e.pitem().fileSize());
          m.put("modified_time", e.pitem().modifiedTime());
          m.put("sha256", e.pitem().sha256());
          m.put("key", e.key());
          if (e.remote() != null) {
            m.put("remote", e.remote());
          }
          rows.add(m);
        } else {
          System.out.println(String.format(java.util.Locale.ROOT, "%12d  %s  %s  %s%s", e.pitem().fileSize(),
              Instant.ofEpochSecond(e.pitem().modifiedTime()).toString().replace("T", " ").replace("Z", ""),
              e.pitem().sha256().substring(0, 12), e.path().substring(0, e.path().length() - ".pitem".length()),
              e.remote() == null ? "" : "  [" + e.remote() + "]"));
        }
      }
      if (json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("command", "ls");
        m.put("pitems", rows);
        m.put("refused", r.refused);
        System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m));
      }
      if (bad > 0) {
        r.failed.add(new org.pantri.transfer.Failure("ls", bad + " object(s) missing from the store or of the wrong size",
            org.pantri.transfer.Failure.Kind.MISSING));
      }
      return r;
    });
  }
}
