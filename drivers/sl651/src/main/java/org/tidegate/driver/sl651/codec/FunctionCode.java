package org.tidegate.driver.sl651.codec;

/** The function codes of SL 651-2014 (table 6) this codec knows. */
public final class FunctionCode {
    /** Link keep-alive report: serial number and send time only. */
    public static final int KEEP_ALIVE = 0x2F;
    public static final int TEST = 0x30;
    /** Uniform-interval (均匀时段) report. */
    public static final int INTERVAL = 0x31;
    /** Timed (定时) report. */
    public static final int TIMED = 0x32;
    /** Added (加报) report, sent on an alarm or a change. */
    public static final int ADDED = 0x33;
    /** Hourly (小时) report. */
    public static final int HOURLY = 0x34;
    /** Answer to the centre's query of real-time data. */
    public static final int QUERY_REALTIME = 0x37;
    /** Answer to the centre's query of chosen elements. */
    public static final int QUERY_ELEMENTS = 0x3A;

    private FunctionCode() {
    }

    /** Functions whose uplink body is serial, send time, station, category, observation time, elements. */
    public static boolean hasObservationBody(int fc) {
        return fc == TEST || fc == INTERVAL || fc == TIMED || fc == ADDED || fc == HOURLY || fc == QUERY_REALTIME
                || fc == QUERY_ELEMENTS;
    }

    /** The reports and answers {@link Report#decode} reads. */
    public static boolean isReport(int fc) {
        return fc == KEEP_ALIVE || hasObservationBody(fc);
    }
}
