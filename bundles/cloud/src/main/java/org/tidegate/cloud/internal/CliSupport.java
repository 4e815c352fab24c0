package org.tidegate.cloud.internal;

import picocli.CommandLine.Option;

/**
 * What the cloud's own commands ({@code receive}, {@code command}) share beyond the broker options
 * ({@link org.tidegate.cloud.cli.BrokerOptions}, which {@code ingest} shares too).
 */
final class CliSupport {
    private CliSupport() {
    }

    /** {@code @Mixin CliSupport.CloudId cloud}: the cloud's sender id. */
    static final class CloudId {
        @Option(names = "--cloud-id", paramLabel = "ID", defaultValue = "cloud",
                description = "the cloud's sender id (default ${DEFAULT-VALUE})")
        String id;
    }
}
