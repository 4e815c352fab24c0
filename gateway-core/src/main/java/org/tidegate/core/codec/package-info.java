/** JSON encoding of the resolved device model, as carried in configuration properties. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.tidegate.core.codec;
