package org.pantri.store;

/** Asks the person at the terminal for a user name and password. */
public interface CredentialPrompt {

  /** Returns the answer, or null when nobody can be asked. */
  String ask(String question, String defaultAnswer);

  /** Returns the password (not echoed), or null when nobody can be asked. */
  char[] askSecret(String question);

  CredentialPrompt NONE =
      new CredentialPrompt() {
        @Override
        public String ask(String question, String defaultAnswer) {
          return null;
        }

        @Override
        public char[] askSecret(String question) {
          return null;
        }
      };
}
