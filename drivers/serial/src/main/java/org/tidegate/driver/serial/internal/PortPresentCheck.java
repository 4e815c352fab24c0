package org.tidegate.driver.serial.internal;

import java.io.File;
import java.util.List;
import org.tidegate.core.config.ConfigNode;
import org.tidegate.driver.serial.SerialLineUser;
import org.tidegate.core.config.HomeCheck;

/**
 * A serial {@code port} that does not exist when the home is checked, for every protocol on a serial line (Modbus
 * RTU, DL/T 645, SL 651: whatever device settings are a {@link SerialLineUser} with a line): a warning at the
 * device's {@code $.connection.port}, not an error, since a USB adapter may be plugged in later and the drivers
 * retry opening the port. Existence is what {@link JSerialCommLine#open} asks too. Only enabled devices are seen (a
 * disabled one opens nothing); a missing or empty port is the schema's error already. Listed in
 * {@code META-INF/services/org.tidegate.core.config.HomeCheck}; keeps no state.
 */
public final class PortPresentCheck implements HomeCheck {

    @Override
    public void check(List<DecodedDevice> devices) {
        for (DecodedDevice d : devices) {
            if (!(d.device().settings() instanceof SerialLineUser user) || user.serialLine() == null) {
                continue;
            }
            ConfigNode port = d.node().child("connection").child("port");
            if (!port.present() || !port.json().isTextual() || port.json().asText().isBlank()) {
                continue;
            }
            String path = user.serialLine().port();
            if (!new File(path).exists()) {
                port.warn(path + " does not exist now (a USB adapter not plugged in?); the gateway will retry opening it");
            }
        }
    }
}
