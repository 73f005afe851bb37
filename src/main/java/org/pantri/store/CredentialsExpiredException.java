package org.pantri.store;

/**
 * The server rejected the session's credentials (HTTP 401 for a token that was accepted before,
 * or that came from a cache). A fact, not a verdict: the engine asks a {@link Reauthenticating}
 * store to log in again once, shared by every thread that saw the same session expire, and
 * repeats the request; a second rejection is an {@link AuthException}.
 */
public class CredentialsExpiredException extends AuthException {
  private final Object session;

  /**
   * @param session an opaque token naming the session that was rejected, so that of many threads
   *     that saw it expire only the first logs in again
   */
  public CredentialsExpiredException(String message, Object session) {
    super(message);
    this.session = session;
  }

  public Object session() {
    return session;
  }
}
