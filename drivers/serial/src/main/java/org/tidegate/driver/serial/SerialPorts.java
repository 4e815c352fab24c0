package org.tidegate.driver.serial;

import java.io.IOException;
import org.tidegate.driver.serial.internal.JSerialCommLine;

/** Opens serial lines. */
public final class SerialPorts {
    private SerialPorts() {
    }

    /**
     * Opens a line with the given settings.
     *
     * @throws IOException with a clear message if the port is missing, busy or refuses the settings
     */
    public static SerialLine open(SerialSettings settings) throws IOException {
        return JSerialCommLine.open(settings);
    }
}
