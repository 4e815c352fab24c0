package org.tidegate.driver.sl651.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tidegate.core.config.HomeCheck;
import org.tidegate.driver.serial.SerialLineUser;
import org.tidegate.driver.sl651.Sl651Settings;

/**
 * What only the whole home shows about SL 651 stations: a station is received by one device per listener; a
 * serial port that receives station reports cannot also be polled by another protocol's device (the stations
 * talk whenever they like, a poll would collide with them); one TCP port is listened on with one bind address;
 * and the stations of one listener share one encoding (its decoder reads one).
 */
public final class ListenerCheck implements HomeCheck {

    @Override
    public void check(List<DecodedDevice> devices) {
        Map<String, DecodedDevice> stationAt = new HashMap<>();
        Map<String, DecodedDevice> sl651Port = new HashMap<>();
        Map<Integer, DecodedDevice> tcpPort = new HashMap<>();
        Map<String, DecodedDevice> listenerFirst = new HashMap<>();
        for (DecodedDevice d : devices) {
            if (!(d.device().settings() instanceof Sl651Settings s)) {
                continue;
            }
            DecodedDevice first = stationAt.putIfAbsent(s.listener().key() + "/" + s.station(), d);
            if (first != null) {
                d.node().child("connection").child("station").error("station " + s.station() + " is also received by device "
                        + first.device().id() + " on the same port: one device per station");
            }
            DecodedDevice sharing = listenerFirst.putIfAbsent(s.listener().key(), d);
            if (sharing != null && ((Sl651Settings) sharing.device().settings()).encoding() != s.encoding()) {
                d.node().child("connection").child("encoding").error("is " + s.encoding().word() + ", but device "
                        + sharing.device().id() + " on the same port is " + ((Sl651Settings) sharing.device().settings()).encoding().word()
                        + ": stations on one port share one encoding (hint: give both the same \"encoding\")");
            }
            if (s.listener() instanceof Sl651Settings.Serial serial) {
                sl651Port.putIfAbsent(serial.serial().port(), d);
            } else if (s.listener() instanceof Sl651Settings.Tcp tcp) {
                DecodedDevice other = tcpPort.putIfAbsent(tcp.port(), d);
                if (other != null && !((Sl651Settings.Tcp) ((Sl651Settings) other.device().settings()).listener()).bind().equals(tcp.bind())) {
                    d.node().child("connection").child("bind").error("TCP port " + tcp.port() + " is also listened on by device "
                            + other.device().id() + " with bind " + ((Sl651Settings.Tcp) ((Sl651Settings) other.device().settings()).listener()).bind()
                            + ": stations on one port share one bind address");
                }
            }
        }
        for (DecodedDevice d : devices) {
            if (d.device().settings() instanceof Sl651Settings || !(d.device().settings() instanceof SerialLineUser u)
                    || u.serialLine() == null) {
                continue;
            }
            DecodedDevice station = sl651Port.get(u.serialLine().port());
            if (station != null) {
                d.node().child("connection").error("serial port " + u.serialLine().port() + " receives SL 651 reports (device "
                        + station.device().id() + "): a " + d.device().protocol() + " device cannot poll on it too");
            }
        }
    }
}
