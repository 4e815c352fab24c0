package org.tidegate.simulator;

import java.util.Random;
import java.util.function.LongSupplier;

/**
 * The physical state behind the simulated devices: water level, rain, pump and its electrical load. Advanced
 * lazily to "now" whenever a device is read, on a clock that runs {@code speed} times faster than real time.
 * Deterministic for a given seed and clock.
 */
public final class SiteModel {
    /** Level change in FLOOD and RECEDE: 0.3 m per 10 min. */
    public static final double LEVEL_RATE_M_PER_S = 0.3 / 600.0;
    public static final double WARNING_LEVEL_M = 3.50;
    public static final double DANGER_LEVEL_M = 4.20;
    public static final double PUMP_START_M = 3.0;
    public static final double PUMP_STOP_M = 2.2;
    public static final double MM_PER_TIP = 0.5;
    private static final double TIDE_PERIOD_S = 12.42 * 3600;

    private final LongSupplier nanoClock;
    private final Random random;
    private double speed;
    private long lastNanos;
    private double simSeconds;
    private Scenario scenario = Scenario.NORMAL;
    private double level;
    private double rainMm;
    private long tipsOffset;
    private boolean pumpRunning;
    private boolean pumpForced;
    private double energyKwh = 1520.0;

    public SiteModel(double speed, long seed, LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.random = new Random(seed);
        this.speed = speed;
        this.lastNanos = nanoClock.getAsLong();
        this.level = normalLevel(0);
    }

    public SiteModel(double speed, long seed) {
        this(speed, seed, System::nanoTime);
    }

    public synchronized void speed(double speed) {
        advance();
        this.speed = speed;
    }

    public synchronized void scenario(Scenario s) {
        advance();
        this.scenario = s;
    }

    public synchronized Scenario scenario() {
        advance();
        return scenario;
    }

    /** Simulated seconds since start. */
    public synchronized double simSeconds() {
        advance();
        return simSeconds;
    }

    private static double normalLevel(double t) {
        return 1.6 + 0.4 * Math.sin(2 * Math.PI * t / TIDE_PERIOD_S);
    }

    /** Brings the state up to now, in steps of at most 10 simulated seconds so that switching stays accurate. */
    public synchronized void advance() {
        long now = nanoClock.getAsLong();
        double dt = (now - lastNanos) / 1e9 * speed;
        lastNanos = now;
        while (dt > 0) {
            double step = Math.min(dt, 10.0);
            step(step);
            dt -= step;
        }
    }

    private void step(double dt) {
        simSeconds += dt;
        double normal = normalLevel(simSeconds);
        switch (scenario) {
            case NORMAL -> level += (normal - level) * Math.min(1.0, dt / 600.0);
            case FLOOD -> level = Math.min(5.5, level + LEVEL_RATE_M_PER_S * dt);
            case RECEDE -> {
                level -= LEVEL_RATE_M_PER_S * dt;
                if (level <= normal) {
                    level = normal;
                    scenario = Scenario.NORMAL;
                }
            }
        }
        double rate = switch (scenario) {
            case NORMAL -> 0.0;
            case FLOOD -> 30.0;
            case RECEDE -> 5.0;
        };
        rainMm += rate * dt / 3600.0;
        if (level >= PUMP_START_M) {
            pumpRunning = true;
        } else if (level <= PUMP_STOP_M) {
            pumpRunning = false;
        }
        energyKwh += totalPowerWatts(0) / 1000.0 * dt / 3600.0;
    }

    /** Measured level with sensor noise (Gaussian, sigma 2 mm). */
    public synchronized double levelMeasured() {
        return level + random.nextGaussian() * 0.002;
    }

    public synchronized double level() {
        advance();
        return level;
    }

    public synchronized double rainIntensityMmPerHour() {
        return switch (scenario) {
            case NORMAL -> 0.0;
            case FLOOD -> 30.0;
            case RECEDE -> 5.0;
        };
    }

    public synchronized long tips() {
        advance();
        return (long) Math.floor(rainMm / MM_PER_TIP + 1e-9) - tipsOffset;
    }

    public synchronized void resetTips() {
        advance();
        tipsOffset = (long) Math.floor(rainMm / MM_PER_TIP + 1e-9);
    }

    public synchronized boolean pumpOn() {
        advance();
        return pump();
    }

    private boolean pump() {
        return pumpRunning || pumpForced;
    }

    public synchronized void forcePump(boolean on) {
        advance();
        pumpForced = on;
    }

    /** Phase voltage with noise, V. */
    public synchronized double voltage(int phase) {
        return 230.0 + (phase - 1) * 0.8 - (pump() ? 3.5 : 0) + random.nextGaussian() * 0.4;
    }

    /** Phase current, A: standby electronics, or the 11 kW pump motor. */
    public synchronized double current(int phase) {
        double base = pump() ? 18.5 + phase * 0.2 : 0.45;
        return base + random.nextGaussian() * (pump() ? 0.15 : 0.01);
    }

    /** Active power of one phase, W (power factor 0.86 with the pump, 0.5 idle). */
    public synchronized double phasePowerWatts(int phase, double v, double a) {
        return v * a * (pump() ? 0.86 : 0.5);
    }

    private double totalPowerWatts(int ignored) {
        double a = pump() ? 18.9 : 0.45;
        return 3 * 229 * a * (pump() ? 0.86 : 0.5);
    }

    public synchronized double energyKwh() {
        advance();
        return energyKwh;
    }

    public synchronized double frequency() {
        return 50.0 + random.nextGaussian() * 0.01;
    }
}
