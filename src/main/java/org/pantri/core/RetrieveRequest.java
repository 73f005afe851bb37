package org.pantri.core;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@code pantri retrieve} was asked to do.
 *
 * @param shelves shelves to sync; empty means all
 * @param force compare everything even when the destination is at HEAD already
 * @param pitem retrieve only this item, in place next to its pitem (null otherwise)
 * @param pull run {@code git pull} first
 * @param dryRun plan only, change nothing
 * @param jsonReport write the original's {@code <shelf>_updated_objects.json}
 */
public record RetrieveRequest(List<String> shelves, boolean force, Path pitem, boolean pull, boolean dryRun,
    boolean jsonReport) {}
