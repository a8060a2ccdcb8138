package org.gradlab.cli;

/** A problem with what the user asked for; printed as one line. */
public final class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }
}
