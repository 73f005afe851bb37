package org.pantri.store;

/** The object named by a key does not exist in the store. */
public class ObjectNotFoundException extends StoreException {
  public ObjectNotFoundException(String key, String where) {
    super("object '" + key + "' not found in " + where);
  }

  /** The same condition with a message of the caller's, e.g. naming every key that was tried. */
  public ObjectNotFoundException(String message) {
    super(message);
  }
}
