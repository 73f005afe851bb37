package org.pantri.repo;

import java.io.IOException;

/** The repository, its configuration or git itself is not usable as asked. */
public class RepoException extends IOException {
  public RepoException(String message) {
    super(message);
  }
}
