package org.tidegate.crypto;

/**
 * A check of an envelope that passed the signature, decryption and inflating, run by
 * {@link EnvelopeOpener#open(byte[], OpenCheck)} <em>before</em> the freshness checks: a frame it refuses changes
 * no state (the duplicate filter and the replay guard never see it). Examples: {@link CommandBinding} (a command
 * must be encrypted and name this gateway) and the cloud receiver's route check (the topic must fit the envelope).
 */
@FunctionalInterface
public interface OpenCheck {
    /** Accepts nothing to say, throws to refuse. */
    void check(Opened opened) throws EnvelopeException;

    /** Accepts everything. */
    OpenCheck NONE = opened -> { };

    /** This check, then {@code next}. */
    default OpenCheck andThen(OpenCheck next) {
        return opened -> {
            check(opened);
            next.check(opened);
        };
    }
}
