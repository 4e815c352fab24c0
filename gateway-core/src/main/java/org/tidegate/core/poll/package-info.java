/** Fixed-rate, per-device poll scheduling. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.tidegate.core.poll;
