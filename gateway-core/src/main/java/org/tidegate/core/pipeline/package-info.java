/** Seams between the device layer and the message pipeline: sample sinks and running devices. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package org.tidegate.core.pipeline;
