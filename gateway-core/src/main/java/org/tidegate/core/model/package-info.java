/** The gateway's core value types: devices, channels and samples. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.0.0")
package org.tidegate.core.model;
