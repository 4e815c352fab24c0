package org.tidegate.driver.serial.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tidegate.core.config.HomeCheck;
import org.tidegate.driver.serial.SerialLineUser;
import org.tidegate.driver.serial.SerialSettings;

/**
 * Devices on one serial port share its bus, and a bus has one speed, parity and framing: a second device that
 * names the same port with other line settings could never be opened ({@link org.tidegate.driver.serial.SerialBuses}
 * refuses it), so validation refuses it first, at the second device's {@code connection}.
 */
public final class SharedLineCheck implements HomeCheck {

    @Override
    public void check(List<DecodedDevice> devices) {
        Map<String, DecodedDevice> firstOnPort = new LinkedHashMap<>();
        for (DecodedDevice d : devices) {
            if (!(d.device().settings() instanceof SerialLineUser user) || user.serialLine() == null) {
                continue;
            }
            SerialSettings line = user.serialLine();
            DecodedDevice first = firstOnPort.putIfAbsent(line.port(), d);
            if (first == null) {
                continue;
            }
            SerialSettings firstLine = ((SerialLineUser) first.device().settings()).serialLine();
            if (!firstLine.equals(line)) {
                d.node().child("connection").error("serial port " + line.port() + " is also used by device "
                        + first.device().id() + " as " + describe(firstLine) + ", not " + describe(line)
                        + ": devices on one bus must use the same baud, parity, dataBits and stopBits");
            }
        }
    }

    private static String describe(SerialSettings s) {
        return s.baud() + " " + s.dataBits() + s.parity().name().charAt(0) + s.stopBits();
    }
}
