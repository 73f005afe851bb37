package org.pantri.transfer;

/**
 * One object that could not be transferred.
 *
 * @param name what the user knows it by (a shelves-relative path)
 * @param message one line saying what went wrong
 * @param kind coarse class for exit codes and JSON: "corrupt", "auth", "store", "local", "interrupted"
 */
public record Failure(String name, String message, String kind) {}
