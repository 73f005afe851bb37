#!/usr/bin/env python3
"""Tables for scripts/bench.sh (stdlib only).

  bench-report.py table RAW.tsv META.txt     the benchmark table (what bench.sh prints)
  bench-report.py jmh2tsv RESULT.json DATASET NOTE
                                             JMH JSON results as RAW.tsv rows (score in s/op)

Medians are over the runs that succeeded and verified; peak RSS is the maximum over those runs.
MB/s = 10^6 bytes/s, MiB = 2^20 bytes.
"""
import json
import statistics
import sys
from collections import defaultdict

PEERS = ["swift-def", "swift-t8", "rclone-def", "rclone-t8"]
SWIFT_TOOLS = ["pantri"] + PEERS


def jmh2tsv(path, dataset, note):
    for r in json.load(open(path)):
        name = r["benchmark"].rsplit(".", 1)[-1]
        m = r["primaryMetric"]
        unit = m["scoreUnit"]
        scale = {"s/op": 1.0, "ms/op": 1e-3, "us/op": 1e-6, "ns/op": 1e-9}[unit]
        raw = [x * scale for xs in m.get("rawData", []) for x in xs]
        extra = "%s runs=%s n=%d" % (note, ",".join("%.4f" % x for x in raw), len(raw))
        print("\t".join(["jmh", dataset, name, "jmh", "0", "%.6f" % (m["score"] * scale),
                         "", "", "", "ok", extra]))


def size_label(n):
    for unit, k in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= k and n % k == 0:
            return "%d %s" % (n // k, unit)
    return "%d B" % n


class Data:
    def __init__(self, raw, meta):
        self.meta = {}
        for line in open(meta):
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                self.meta[k] = v
        self.rows = defaultdict(list)
        self.bad = []
        with open(raw) as f:
            header = f.readline().rstrip("\n").split("\t")
            for line in f:
                v = dict(zip(header, line.rstrip("\n").split("\t")))
                key = (v["section"], v["dataset"], v["op"], v["tool"])
                if v["status"] != "ok":
                    self.bad.append(v)
                    continue
                self.rows[key].append(v)

    def ds_label(self, ds):
        n, size = self.meta.get("ds_" + ds, "? 0").split()
        return "%s x %s" % (n, size_label(int(size)))

    def walls(self, *key):
        return [float(v["wall_s"]) for v in self.rows.get(key, [])]

    def median(self, *key):
        w = self.walls(*key)
        return statistics.median(w) if w else None

    def rss_mib(self, *key):
        r = [int(v["maxrss_kb"]) for v in self.rows.get(key, []) if v["maxrss_kb"]]
        return max(r) / 1024 if r else None

    def floor(self, *key):
        """Median server-bound floor of these runs: the Swift servers' CPU seconds spread over the
        cores they can use (never less than the busiest single-threaded server process)."""
        cpus = int(self.meta.get("cpus", 1) or 1)
        f = []
        for v in self.rows.get(key, []):
            note = dict(kv.split("=", 1) for kv in v.get("note", "").split() if "=" in kv)
            if "server_cpu" in note:
                f.append(max(float(note["server_cpu"]) / cpus, float(note.get("server_cpu_max", 0))))
        return statistics.median(f) if f else None

    def run(self, key, run):
        for v in self.rows.get(key, []):
            if v["run"] == str(run):
                return v
        return None


def cell(d, key):
    m = d.median(*key)
    if m is None:
        return "-"
    rss = d.rss_mib(*key)
    n = len(d.walls(*key))
    s = "%.2f" % m
    if rss is not None:
        s += " [%d]" % round(rss)
    if n != d.expected_runs(key):
        s += " n=%d" % n
    return s


def verdict(ok):
    return "yes" if ok else "NO"


def render(table, out):
    widths = [max(len(str(r[i])) for r in table) for i in range(len(table[0]))]
    for j, r in enumerate(table):
        out.append("  ".join(str(c).ljust(widths[i]) for i, c in enumerate(r)).rstrip())
        if j == 0:
            out.append("  ".join("-" * w for w in widths))


def table(raw, meta):
    d = Data(raw, meta)
    M = d.meta
    runs = int(M.get("runs", 3))
    runs_big = int(M.get("runs_big", runs))
    short = int(M.get("short_runs", 5))

    local_large = int(M.get("local_runs_large", runs))
    repeated = {ds: M.get("repeated_peers_" + ds, "").split() for ds in ("small", "med", "big")}

    def expected(key):
        sec, ds, op, tool = key
        if sec == "scale":
            return int(M.get("scale_runs", 1)) if op in ("store-unchanged", "noop", "version", "force") else 1
        if sec == "local" and ds == "many":
            return short if op in ("noop", "noop-nopull", "version") else (runs if op == "force" else 1)
        if sec == "local":
            return runs if ds == "small" else local_large
        n = runs_big if ds == "big" else runs
        if sec == "swift" and tool != "pantri" and "repeated_peers_" + ds in M and tool not in repeated[ds]:
            return 1
        return n
    d.expected_runs = expected

    out = []
    targets = []  # (what, value text, target text, met)
    total = float(M.get("total_s", 0))
    out.append("== Pantri benchmarks: %s mode, %s, %s CPUs, total wall %dm%02ds" % (
        M.get("mode"), M.get("started", "?"), M.get("cpus", "?"), total // 60, total % 60))
    out.append("   load average at start %s, at end %s (other jobs on this machine may have run meanwhile)"
               % (M.get("load_start", "?"), M.get("load_end", "?")))
    out.append("   %s; runs per measurement: %d (largest dataset: %d); sub-second measurements: %d"
               % (M.get("pantri_version", "pantri"), runs, runs_big, short))
    if M.get("versions"):
        out.append("   " + M["versions"])
    out.append("   cells: median wall seconds [peak RSS MiB, max over runs]; n=K: K runs (fewer than planned)")

    have_swift = any(k[0] == "swift" for k in d.rows)
    if have_swift:
        out.append("")
        out.append("-- Swift store (127.0.0.1:8080, Swift 2.30 SAIO, one worker per server), same server, same run")
        if M.get("swift_devices"):
            out.append("   the server's devices: %s (%s); Swift fsyncs each PUT and drops the object from its page cache"
                       % (M["swift_devices"], M.get("swift_devices_fs", "?")))
            out.append("   after a PUT and an authenticated GET: on a disk, every download reads the disk the client writes to")
        out.append("   pantri: store -q / retrieve --no-pull -d DEST (jobs 8 = default), one new container per run")
        out.append("   swift-def: python-swiftclient upload/download, --object-threads 10 (its default); swift-t8: 8")
        out.append("   rclone-def: rclone copy, Swift backend, --transfers 4 (its default); rclone-t8: --transfers 8")
        if M.get("big_t8", "0") == "0":
            out.append("   (t8 variants not run on the 1-object dataset: the concurrency setting cannot act on one object)")
        if runs > 1 and "repeat_within" in M:
            out.append("   pantri ran %d times per dataset; a peer was run again after run 1 only when it came within %sx of"
                       % (runs, M["repeat_within"]) + " the fastest peer")
            out.append("   in either direction (to stay within the time budget): repeated small: %s; med: %s; big: %s"
                       % tuple(", ".join(repeated[x]) or "none" for x in ("small", "med", "big")))
        if float(M.get("swift_delete_s", 0)) > 0:
            out.append("   deleting the benchmark's containers took %.0f s in all (not in the times)" % float(M["swift_delete_s"]))
        if int(M.get("swift_outages", 0)):
            out.append("   %s tool run(s) repeated because the shared Swift server was stopped/restarted by someone else meanwhile"
                       % M["swift_outages"])
        out.append("   floor: the Swift servers' own CPU seconds during pantri's run / %s cores (or the busiest"
                   " one-process server's, if more): the server-bound limit" % M.get("cpus", "?"))
        t = [["dataset", "dir"] + SWIFT_TOOLS + ["best peer", "pantri/best", "floor", "pantri/floor", "target", "met"]]
        for ds in ("small", "med", "big"):
            for op in ("up", "down"):
                if not any(d.rows.get(("swift", ds, op, tl)) for tl in SWIFT_TOOLS):
                    continue
                row = [d.ds_label(ds), op] + [cell(d, ("swift", ds, op, tl)) for tl in SWIFT_TOOLS]
                peers = [(d.median("swift", ds, op, tl), tl) for tl in PEERS if d.median("swift", ds, op, tl)]
                p = d.median("swift", ds, op, "pantri")
                if peers and p is not None:
                    best, bt = min(peers)
                    ratio = p / best
                    lim = 0.8 if ds == "small" else 1.0
                    rss = d.rss_mib("swift", ds, op, "pantri") or 0
                    fl = d.floor("swift", ds, op, "pantri")
                    near_floor = ds == "small" and fl is not None and p <= 1.05 * fl
                    ok = (ratio <= lim or near_floor) and (ds == "small" or rss <= 256)
                    tgt = "<=%.1f" % lim + (" or floor+5%" if ds == "small" else ", RSS<=256")
                    row += ["%s %.2f" % (bt, best), "%.2f" % ratio,
                            "%.2f" % fl if fl is not None else "-", "%.2f" % (p / fl) if fl else "-", tgt, verdict(ok)]
                    what = "swift %s %s" % (d.ds_label(ds), "store" if op == "up" else "retrieve")
                    val = "%.2fx best peer (%s)" % (ratio, bt) + ("" if ds == "small" else ", RSS %d MiB" % rss)
                    if fl:
                        val += ", %.2fx floor" % (p / fl)
                    targets.append((what, val, tgt, ok))
                else:
                    row += ["-", "-", "-", "-", "-", "-"]
                t.append(row)
        render(t, out)

    have_local = any(k[0] == "local" for k in d.rows)
    if have_local:
        out.append("")
        out.append("-- Local-directory (fs) store vs git-lfs 3.3 with a file:// remote")
        out.append("   store    = pantri store + git add/commit/push   vs  git add (lfs clean) + commit + push")
        out.append("   retrieve = git clone + pantri retrieve -d DEST  vs  GIT_LFS_SKIP_SMUDGE=1 git clone + git lfs pull")
        if local_large < runs:
            out.append("   (%d run(s) of the datasets without a target, %d of %s)" % (local_large, runs, d.ds_label("small")))
        t = [["dataset", "op", "pantri-fs", "git-lfs", "pantri/lfs", "target", "met"]]
        for ds in ("small", "med", "big"):
            for op in ("store", "retrieve"):
                p = d.median("local", ds, op, "pantri-fs")
                g = d.median("local", ds, op, "git-lfs")
                if p is None and g is None:
                    continue
                row = [d.ds_label(ds), op, cell(d, ("local", ds, op, "pantri-fs")), cell(d, ("local", ds, op, "git-lfs"))]
                if p is not None and g:
                    ratio = p / g
                    if ds == "small":
                        ok = ratio <= 0.8
                        row += ["%.2f" % ratio, "<=0.8", verdict(ok)]
                        targets.append(("fs %s %s" % (d.ds_label(ds), op), "%.2fx git-lfs" % ratio, "<=0.8", ok))
                    else:
                        row += ["%.2f" % ratio, "(reported)", ""]
                else:
                    row += ["-", "", ""]
                t.append(row)
        for op in ("store", "retrieve"):
            if d.rows.get(("local", "many", op, "pantri-fs")):
                t.append([d.ds_label("many"), op, cell(d, ("local", "many", op, "pantri-fs")), "-", "", "(reported)", ""])
        render(t, out)

        out.append("")
        n_many = d.ds_label("many").split()[0]
        out.append("-- No-op and forced retrieve, %s pitems (fs store, DEST already synced)" % n_many)
        noop = d.median("local", "many", "noop", "pantri-fs")
        nopull = d.median("local", "many", "noop-nopull", "pantri-fs")
        annex = d.median("local", "many", "noop", "git-annex")
        ver = d.median("local", "many", "version", "pantri")
        force = d.median("local", "many", "force", "pantri-fs")
        t = [["measurement", "median s [RSS MiB]", "compared with", "ratio", "target", "met"]]
        if noop is not None and annex:
            ok = noop / annex <= 1.0
            t.append(["pantri retrieve -d DEST (no-op, incl. git pull)", cell(d, ("local", "many", "noop", "pantri-fs")),
                      "git annex get . (%.3f)" % annex, "%.2f" % (noop / annex), "<=1.0", verdict(ok)])
            targets.append(("no-op retrieve %s vs git-annex no-op get" % n_many, "%.2fx" % (noop / annex), "<=1.0", ok))
        if noop is not None and ver:
            ok = noop / ver <= 1.5
            t.append(["pantri retrieve -d DEST (no-op, incl. git pull)", cell(d, ("local", "many", "noop", "pantri-fs")),
                      "pantri --version (%.3f)" % ver, "%.2f" % (noop / ver), "<=1.5", verdict(ok)])
            targets.append(("no-op retrieve %s vs pantri --version" % n_many, "%.2fx" % (noop / ver), "<=1.5", ok))
        if nopull is not None:
            t.append(["pantri retrieve --no-pull -d DEST (no-op)", cell(d, ("local", "many", "noop-nopull", "pantri-fs")),
                      "pantri --version (%.3f)" % ver if ver else "-", "%.2f" % (nopull / ver) if ver else "-",
                      "(reported)", ""])
        if annex is not None:
            t.append(["git annex get . (%s present files)" % n_many, cell(d, ("local", "many", "noop", "git-annex")), "", "", "", ""])
        if ver is not None:
            t.append(["pantri --version (start-up)", cell(d, ("local", "many", "version", "pantri")), "", "", "", ""])
        if force is not None:
            ok = force < 2.0
            t.append(["pantri retrieve --force -d DEST (all present)", cell(d, ("local", "many", "force", "pantri-fs")),
                      "", "", "<2 s", verdict(ok)])
            targets.append(("forced full retrieve, %s present" % n_many, "%.2f s" % force, "<2 s", ok))
        if len(t) > 1:
            render(t, out)

    sizes = sorted({int(k[1]) for k in d.rows if k[0] == "scale"})
    if sizes:
        out.append("")
        out.append("-- Scale: %s x 4 KiB binaries, fs store (one repository per size; no-op rows: median of %s)"
                   % (" and ".join("{:,}".format(n) for n in sizes), M.get("scale_runs", "?")))
        out.append("   store = pantri store alone; commit = git add -A + commit + push of the pitems (for scale, no target)")
        out.append("   cells: seconds [peak RSS MiB]; per file: microseconds per file; linear growth = equal per-file cost")
        ops = [("store", "first store"), ("git-commit", "git add + commit + push"), ("retrieve", "first retrieve"),
               ("store-unchanged", "store, nothing changed"), ("noop", "no-op retrieve (incl. git pull)"),
               ("force", "forced retrieve, all present"), ("version", "pantri --version")]
        big = sizes[-1]
        t = [["operation"] + ["{:,}".format(n) for n in sizes] + ["per file (us)", "growth", "target", "met"]]
        ver = d.median("scale", str(big), "version", "pantri")
        for op, label in ops:
            tool = "git" if op == "git-commit" else ("pantri" if op == "version" else "pantri-fs")
            meds = [d.median("scale", str(n), op, tool) for n in sizes]
            if all(m is None for m in meds):
                continue
            row = [label] + [cell(d, ("scale", str(n), op, tool)) for n in sizes]
            row.append(" / ".join("%.0f" % (m / n * 1e6) if m is not None else "-" for m, n in zip(meds, sizes)))
            if len(sizes) > 1 and meds[0] and meds[-1]:
                row.append("%.2fx for %.0fx files" % (meds[-1] / meds[0], sizes[-1] / sizes[0]))
            else:
                row.append("")
            m = meds[-1]
            tgt, ok = "", None
            if m is not None:
                if op == "retrieve":
                    rss = d.rss_mib("scale", str(big), op, tool) or 0
                    tgt, ok = "RSS<=512 MiB", rss <= 512
                    targets.append(("scale: first retrieve of %s, peak RSS" % "{:,}".format(big), "%d MiB" % rss, tgt, ok))
                elif op == "noop" and ver:
                    tgt, ok = "<=1.5x --version", m / ver <= 1.5
                    targets.append(("scale: no-op retrieve of %s" % "{:,}".format(big), "%.2fx --version (%.2f s)" % (m / ver, m), tgt, ok))
                elif op in ("force", "store-unchanged"):
                    tgt, ok = "<5 s", m < 5
                    targets.append(("scale: %s of %s" % (label, "{:,}".format(big)), "%.2f s" % m, tgt, ok))
            row += [tgt, verdict(ok) if ok is not None else ""]
            t.append(row)
        render(t, out)

    have_jmh = any(k[0] == "jmh" for k in d.rows)
    if have_jmh:
        out.append("")
        hs = int(M.get("hash_size", 0))
        out.append("-- Hashing one %s file in the page cache (openssl: second of 2 runs, incl. process start;"
                   " JMH: single-shot mean of the measured passes)" % size_label(hs))

        def ossl(alg):
            v = d.run(("jmh", "hashfile", "dgst-" + alg, "openssl"), 2) or d.run(("jmh", "hashfile", "dgst-" + alg, "openssl"), 1)
            return float(v["wall_s"]) if v else None
        o256, o1 = ossl("sha256"), ossl("sha1")
        t = [["what", "s per pass", "MB/s", "vs openssl -sha256", "target", "met"]]
        mbs = lambda s: hs / s / 1e6
        if o256:
            t.append(["openssl dgst -sha256", "%.3f" % o256, "%.0f" % mbs(o256), "1.00", "", ""])
        if o1:
            t.append(["openssl dgst -sha1", "%.3f" % o1, "%.0f" % mbs(o1), "%.2f" % (o256 / o1) if o256 else "", "", ""])
        names = [("pantriHasher", "pantri Hasher: SHA-1 + SHA-256, one pass"),
                 ("javaSha256Alone", "Java SHA-256 alone (MessageDigest)"),
                 ("javaSha1Alone", "Java SHA-1 alone (MessageDigest)"),
                 ("sketchTwoThreads", "sketch, not product: SHA-1 + SHA-256 on 2 threads")]
        for b, label in names:
            s = d.median("jmh", "hashfile", b, "jmh")
            if s is None:
                continue
            row = [label, "%.3f" % s, "%.0f" % mbs(s), "%.2f" % (o256 / s) if o256 else ""]
            if b == "pantriHasher" and o256:
                ok = o256 / s >= 0.9
                row += [">=0.9", verdict(ok)]
                targets.append(("hashing SHA-1+SHA-256 vs openssl -sha256 alone", "%.2fx (%.0f vs %.0f MB/s)"
                                % (o256 / s, mbs(s), mbs(o256)), ">=0.9", ok))
            else:
                row += ["", ""]
            t.append(row)
        render(t, out)

        det = d.rows.get(("jmh", "corpus", "detectFiles", "jmh"))
        if det:
            note = dict(kv.split("=", 1) for kv in det[0]["note"].split() if "=" in kv)
            nf, nb = int(note.get("files", 0)), int(note.get("bytes", 0))
            out.append("")
            out.append("-- Binary detection, corpus of %d real system files (%.1f MB examined: first 64 KiB of each)"
                       % (nf, nb / 1e6))
            t = [["what", "s per corpus pass", "files/s", "MB/s examined"]]
            for b, label in (("detectFiles", "BinaryDetector.isBinary(Path): open + read + classify"),
                             ("detectInMemory", "BinaryDetector.isBinary(byte[], len): classify only")):
                s = d.median("jmh", "corpus", b, "jmh")
                if s:
                    t.append([label, "%.4f" % s, "%.0f" % (nf / s), "%.0f" % (nb / s / 1e6)])
            v = d.run(("jmh", "corpus", "file-mime", "libmagic"), 2) or d.run(("jmh", "corpus", "file-mime", "libmagic"), 1)
            if v:
                s = float(v["wall_s"])
                t.append(["file --mime-encoding -b -f LIST (libmagic, 1 process)", "%.4f" % s, "%.0f" % (nf / s), "%.0f" % (nb / s / 1e6)])
            render(t, out)

    if targets:
        out.append("")
        out.append("-- Targets (reported, not asserted)")
        t = [["target", "measured", "limit", "met"]]
        for what, val, tgt, ok in targets:
            t.append([what, val, tgt, verdict(ok)])
        render(t, out)
        met = sum(1 for x in targets if x[3])
        out.append("   %d of %d targets met" % (met, len(targets)))
    if d.bad:
        out.append("")
        out.append("-- FAILED or unverified runs (left out of the medians):")
        for v in d.bad:
            out.append("   %s %s %s %s run %s: %s" % (v["section"], v["dataset"], v["op"], v["tool"], v["run"], v["status"]))
    print("\n".join(out))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "table":
        table(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 5 and sys.argv[1] == "jmh2tsv":
        jmh2tsv(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit(__doc__)
