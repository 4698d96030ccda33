package dev.spool.bench.compare;

/** The metrics of the side-by-side table, in the order they are printed; {@link #id} is the CSV name. */
public enum Metric {
    RECORDS_PER_S("records_per_s", "records/s"),
    MB_PER_S("mb_per_s", "MB/s"),
    BROKER_CPU_S_PER_GB("broker_cpu_s_per_gb", "s/GB"),
    BROKER_CPU_S("broker_cpu_s", "s"),
    P50_MS("p50_ms", "ms"),
    P99_MS("p99_ms", "ms"),
    P999_MS("p999_ms", "ms"),
    STARTUP_MS("startup_ms", "ms"),
    IDLE_RSS_MB("idle_rss_mb", "MB"),
    CREATE_MS("create_ms", "ms"),
    STABILISE_MS("stabilise_ms", "ms"),
    COMMITS_PER_S("commits_per_s", "commits/s");

    private final String id;
    private final String unit;

    Metric(String id, String unit) {
        this.id = id;
        this.unit = unit;
    }

    /** The CSV metric name. */
    public String id() {
        return id;
    }

    /** The unit. */
    public String unit() {
        return unit;
    }
}
