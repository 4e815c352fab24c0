/** Test doubles and helpers shared by the tests of several modules (test scope only, never in a distribution). */
package org.tidegate.core.testing;
