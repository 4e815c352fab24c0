/** The receiver's threads, station inboxes and sessions; private to the bundle. */
package org.tidegate.driver.sl651.internal;
