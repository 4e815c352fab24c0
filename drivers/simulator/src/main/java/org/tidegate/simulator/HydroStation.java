package org.tidegate.simulator;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.tidegate.driver.sl651.codec.Element;
import org.tidegate.driver.sl651.codec.FunctionCode;
import org.tidegate.driver.sl651.station.SimulatedStation;
import org.tinylog.Logger;

/**
 * The site's SL 651-2014 water-level and rain station: every {@code timedEvery} it sends a timed report ({@code 32})
 * of water level {@code 39} (m, 3 decimals), daily rainfall {@code 1F}, current rainfall {@code 20} (since the last
 * report), cumulative rainfall {@code 26} (mm, 1 decimal) and supply voltage {@code 38} (V, 2 decimals), and, between
 * them, an added report ({@code 33}) whenever the level moved {@value #ADDED_REPORT_STEP_M} m since the last report.
 * The observation time is the station's clock (zone {@code zone}) to the minute; a report the centre does not
 * acknowledge is sent again by the {@link SimulatedStation}.
 */
public final class HydroStation implements AutoCloseable {
    public static final double ADDED_REPORT_STEP_M = 0.10;
    public static final double SUPPLY_VOLTS = 12.6;

    private final SiteModel site;
    private final SimulatedStation station;
    private final ZoneId zone;
    private final Duration timedEvery;
    private final Thread thread;
    private final AtomicLong timed = new AtomicLong();
    private final AtomicLong added = new AtomicLong();
    private final AtomicLong unacknowledged = new AtomicLong();
    private volatile boolean running = true;
    private double lastLevel = Double.NaN;
    private double lastRain;

    public HydroStation(SiteModel site, SimulatedStation station, ZoneId zone, Duration timedEvery) {
        this.site = site;
        this.station = station;
        this.zone = zone;
        this.timedEvery = timedEvery;
        this.thread = new Thread(this::loop, "sl651-station-" + station.station());
        this.thread.setDaemon(true);
    }

    public HydroStation start() {
        thread.start();
        return this;
    }

    public SimulatedStation station() {
        return station;
    }

    public long timedReports() {
        return timed.get();
    }

    public long addedReports() {
        return added.get();
    }

    /** Reports the centre never acknowledged (after the station's resends). */
    public long unacknowledged() {
        return unacknowledged.get();
    }

    private void loop() {
        long next = System.nanoTime();
        while (running) {
            try {
                if (System.nanoTime() - next >= 0) {
                    report(FunctionCode.TIMED);
                    next = System.nanoTime() + timedEvery.toNanos();
                } else if (Math.abs(site.level() - lastLevel) >= ADDED_REPORT_STEP_M) {
                    report(FunctionCode.ADDED);
                }
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            } catch (IOException e) {
                if (running) {
                    Logger.warn("sl651 station {}: {}", station.station(), e.getMessage());
                }
                return;
            }
        }
    }

    /** Sends one report of {@code function} now; public for tests and the demo. */
    public synchronized SimulatedStation.Outcome report(int function) throws IOException {
        double level = site.level();
        double rain = site.tips() * SiteModel.MM_PER_TIP;
        LocalDateTime at = LocalDateTime.now(zone).withSecond(0).withNano(0);
        List<Element> elements = List.of(
                Element.of(Element.DAILY_RAINFALL, bd(rain, 1), 3, 1, at),
                Element.of(Element.CURRENT_RAINFALL, bd(Math.max(0, rain - lastRain), 1), 3, 1, at),
                Element.of(Element.CUMULATIVE_RAINFALL, bd(rain, 1), 3, 1, at),
                Element.of(Element.VOLTAGE, bd(SUPPLY_VOLTS, 2), 2, 2, at),
                Element.of(Element.WATER_LEVEL, bd(level, 3), 4, 3, at));
        lastLevel = level;
        lastRain = rain;
        SimulatedStation.Outcome o = station.report(function, at, elements);
        (function == FunctionCode.ADDED ? added : timed).incrementAndGet();
        if (!o.acknowledged()) {
            unacknowledged.incrementAndGet();
        }
        return o;
    }

    private static BigDecimal bd(double v, int decimals) {
        return BigDecimal.valueOf(v).setScale(decimals, RoundingMode.HALF_UP);
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        station.close();
    }
}
