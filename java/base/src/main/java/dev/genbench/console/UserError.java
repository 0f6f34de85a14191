package dev.genbench.console;

/**
 * An error the user can fix: bad configuration, a missing file, an unreadable image. Its message is one
 * sentence that names the file, key, value or image at fault and says what to do; the CLI prints it
 * without a stack trace unless {@code --verbose} is given.
 */
public class UserError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
