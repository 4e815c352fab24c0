package org.tidegate.console.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import org.tidegate.core.log.TokenBuckets;
import org.tinylog.Logger;

/**
 * Decides logins: the password set by {@code tidegate console-password} or, while none is set, a one-time token
 * made at start and written to the log (and so to the gateway's console). At most
 * {@code loginAttemptsPerMinute} attempts a minute, from all sources together (a source address is no identity
 * an attacker cannot change): beyond it every attempt, right or wrong, is refused until the bucket refills.
 */
final class LoginGuard {
    /** The user name of a password login (the console has one account). */
    static final String ADMIN = "admin";
    /** The user name of a login with the one-time token. */
    static final String TOKEN_USER = "token";

    enum Outcome { OK, WRONG, RATE_LIMITED }

    record Result(Outcome outcome, String user) {
    }

    private final Path home;
    private final TokenBuckets attempts;
    private volatile String oneTimeToken;

    LoginGuard(Path home, int attemptsPerMinute) {
        this.home = home;
        this.attempts = new TokenBuckets(attemptsPerMinute / 60.0, attemptsPerMinute);
        if (!PasswordFile.exists(home)) {
            oneTimeToken = Sessions.token().substring(0, 24);
            Logger.warn("console: no password set (tidegate console-password --home {}); one-time login token: {}",
                    home, oneTimeToken);
        }
    }

    /** Whether a password was set (otherwise only the one-time token logs in). */
    boolean passwordSet() {
        return PasswordFile.exists(home);
    }

    Result attempt(String secret, String address) {
        if (!attempts.tryAcquire("login")) {
            Logger.warn("console: login from {} refused: too many attempts (limit per minute)", address);
            return new Result(Outcome.RATE_LIMITED, null);
        }
        if (secret == null || secret.isEmpty() || secret.length() > PasswordFile.MAX_LENGTH) {
            return wrong(address);
        }
        if (PasswordFile.exists(home)) {
            char[] pw = secret.toCharArray();
            try {
                if (PasswordFile.matches(home, pw)) {
                    oneTimeToken = null;
                    return new Result(Outcome.OK, ADMIN);
                }
            } catch (IOException e) {
                Logger.error("console: {}", e.getMessage());
            } finally {
                PasswordFile.wipe(pw);
            }
            return wrong(address);
        }
        String token = oneTimeToken;
        if (token != null && MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                secret.getBytes(StandardCharsets.UTF_8))) {
            synchronized (this) {
                if (token.equals(oneTimeToken)) {
                    oneTimeToken = null; // one time: spent
                    Logger.info("console: the one-time login token was used from {}; set a password with"
                            + " tidegate console-password", address);
                    return new Result(Outcome.OK, TOKEN_USER);
                }
            }
        }
        return wrong(address);
    }

    private Result wrong(String address) {
        Logger.warn("console: login from {} refused: wrong password", address);
        return new Result(Outcome.WRONG, null);
    }
}
