package org.pantri.scan;

/** Size and both digests (lowercase hex) of one file, computed in one read. */
public record Digests(long size, String sha1, String sha256) {}
