/**
 * The sealed envelope (version 1) of the tidegate wire protocol: SM2/SM3/SM4 sealing and opening,
 * SM2 key files, duplicate and replay protection. Plain Java: the cloud side uses this package as an
 * ordinary library; inside the gateway the {@code org.tidegate.security} component builds the sealer and
 * opener from configuration and registers them as services.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.3.0")
package org.tidegate.crypto;
