using System.Globalization;

namespace TokenLedger.Bench;

/// <summary>Command-line options of the benchmark. Parsed by hand: --name value pairs and a few flags.</summary>
public sealed class BenchOptions
{
    public int Events { get; private set; } = 200_000;
    public int BatchSize { get; private set; } = 100;
    public int Tenants { get; private set; } = 2_000;
    public double ZipfExponent { get; private set; } = 1.1;
    public double DuplicateFraction { get; private set; } = 0.05;
    public double InvalidFraction { get; private set; } = 0.005;
    public int Seed { get; private set; } = 1;
    public int ConfirmWindow { get; private set; } = 1_000;
    public int StallSeconds { get; private set; } = 120;

    public bool SkipLimits { get; private set; }

    public bool SkipLatency { get; private set; }
    public int LatencySeconds { get; private set; } = 30;
    public int LatencyWarmUpSeconds { get; private set; } = 3;
    public int LatencyRate { get; private set; } = 5_000;
    public int Probes { get; private set; } = 600;
    public int ProbeIntervalMs { get; private set; } = 50;
    public int ProbeTimeoutSeconds { get; private set; } = 10;

    public bool SkipSignals { get; private set; }
    public int SignalProbes { get; private set; } = 100;
    public int SignalRate { get; private set; } = 5_000;
    public int SignalIntervalMs { get; private set; } = 200;

    public bool SkipHolds { get; private set; }
    public int HoldRate { get; private set; } = 1_000;
    public int HoldSeconds { get; private set; } = 30;
    public int HoldConnections { get; private set; } = 16;
    public int HoldTenants { get; private set; } = 50;
    public int HoldSettleMs { get; private set; } = 2_000;
    public int HoldBackgroundRate { get; private set; } = 5_000;

    public bool SkipClose { get; private set; }
    public bool SkipFinance { get; private set; }
    public bool FinanceOnly { get; private set; }
    public bool PaintOnly { get; private set; }
    public int FinanceTenants { get; private set; } = 10_000;
    public int FinanceMonths { get; private set; } = 12;
    public int FinanceRequests { get; private set; } = 100;
    public int CloseTenants { get; private set; } = 1_000;
    public int CloseEventsPerTenant { get; private set; } = 20;

    public bool SkipHttp { get; private set; }
    public int HttpEvents { get; private set; } = 50_000;
    public int HttpConcurrency { get; private set; } = 8;

    public bool SkipSteady { get; private set; }
    public int SteadySeconds { get; private set; } = 300;
    public int SteadyRate { get; private set; } = 3_000;
    public int SteadyBatch { get; private set; } = 10;
    public int SampleSeconds { get; private set; } = 10;

    public int? ServicePid { get; private set; }
    public string ApiUrl { get; private set; } = "http://127.0.0.1:5081";
    public string AdminKey { get; private set; } = Environment.GetEnvironmentVariable("TOKENLEDGER_ADMIN_KEY") ?? "";
    public string Postgres { get; private set; } = Environment.GetEnvironmentVariable("TOKENLEDGER_POSTGRES") ?? "";
    public string RabbitMq { get; private set; } = Environment.GetEnvironmentVariable("TOKENLEDGER_RABBITMQ") ?? "";
    public string? ReportFile { get; private set; }
    public string? ServiceLog { get; private set; }

    public const string Help = """
        TokenLedger benchmark: end-to-end ingest rate, broker and COPY limits, publish-to-query latency, holds, service RSS.
        Run it with ops/bench, which starts the servers and the service and passes the connection options.

        Workload (end-to-end ingest, run twice: single-event messages, then arrays):
          --events N            items published per run, duplicates and invalid ones included (default 200000)
          --batch-size B        events per array in the second run, 2..1000 (default 100)
          --tenants T           distinct tenant ids per run, Zipf-distributed (default 2000)
          --zipf S              Zipf exponent of tenant popularity (default 1.1)
          --duplicates F        fraction of items that re-send an earlier event (default 0.05)
          --invalid F           fraction of items that are invalid (default 0.005)
          --seed S              PRNG seed (default 1)
          --confirm-window W    unconfirmed messages in flight per publisher (default 1000)
          --stall-seconds S     give up waiting when the projections make no progress for S s (default 120)
        Limits:
          --skip-limits         skip the broker pass-through and PostgreSQL COPY measurements
        Latency (publish -> visible in GET /api/tenants/{id}/usage):
          --latency-seconds S   bound of the latency phase, from the first probe (default 30)
          --latency-warmup-seconds W  background load alone before the first probe (default 3); a long one
                                measures steady state, after the JIT has finished optimising the hot code
          --latency-rate R      background load in events/s, single-event messages (default 5000)
          --probes P            probe events, one new tenant each (default 600: 30 s at the default interval)
          --probe-interval-ms M time between probes (default 50)
          --probe-timeout-seconds S  a probe not visible after S s is lost (default 10)
          --skip-latency        skip the latency phase
        Cap signals (usage crossing a Coding Plan cap -> cap-reached on tokenledger.signals.v1):
          --signal-probes P     Coding Plan tenants, each sent 10 requests against a 10-request cap (default 100)
          --signal-rate R       background load in events/s, priced tenants, arrays of --batch-size (default 5000)
          --signal-interval-ms M time between probes (default 200)
          --skip-signals        skip the signal phase
        Holds (POST /api/tenants/{id}/holds, each hold's usage published --hold-settle-ms later, under ingest load):
          --hold-rate R         holds/s asked (default 1000)
          --hold-seconds S      duration of the holds (default 30)
          --hold-connections C  HTTP connections placing holds (default 16)
          --hold-tenants T      prepaid tenants the holds are spread over; one in ten has a small wallet (default 50)
          --hold-settle-ms M    time from a granted hold to its usage's publish (default 2000)
          --hold-background-rate R  background ingest in events/s, arrays of --batch-size (default 5000)
          --skip-holds          skip the holds phase
        Period close (invoices and PDFs):
          --close-tenants N     tenants with usage in the month before last, each closed and its PDF fetched (default 1000)
          --close-events N      usage events per tenant (default 20)
          --skip-close          skip the period-close phase
        Finance views (receivables, risk, CSV over seeded invoices and payments):
          --finance-tenants N   tenants seeded, each with monthly invoices and payments (default 10000)
          --finance-months N    months of invoices per tenant (default 12)
          --finance-requests N  measured requests per view (default 100)
          --skip-finance        skip the finance phase
          --finance-only        run the finance phase (and the console paint) alone: no warm-up, no ingest, no other
                                phase; the other views read whatever usage the database already holds
          --paint-only          with --finance-only: no seeding; the API timings and the console paint over the
                                tenants an earlier --finance-only run seeded
        HTTP ingest, native route vs the OpenMeter-compatible batch route (arrays of --batch-size):
          --http-events N       events posted per route (default 50000)
          --http-concurrency C  requests in flight per route (default 8)
          --skip-http           skip the HTTP ingest phase
        Steady run (RSS growth):
          --steady-seconds S    duration (default 300)
          --steady-rate R       events/s (default 3000)
          --steady-batch B      events per message (default 10)
          --sample-seconds S    RSS sampling interval (default 10)
          --skip-steady         skip the steady run
        Connections (ops/bench sets these):
          --service-pid PID     the service process, for /proc/PID/status (RSS)
          --api URL             the service's base URL (default http://127.0.0.1:5081)
          --admin-key KEY       operator key (default $TOKENLEDGER_ADMIN_KEY)
          --postgres CS         Npgsql connection string (default $TOKENLEDGER_POSTGRES)
          --rabbitmq URI        AMQP URI (default $TOKENLEDGER_RABBITMQ)
          --report-file PATH    also write the final report, as plain text, to PATH
          --service-log PATH    the service's log, scanned for warnings and errors
          -h, --help            this text

        Exit codes: 0 every total matched; 1 a total or a dead-letter count differed; 2 bad options, or the run
        failed (broker, database or service unreachable); 130 interrupted.
        """;

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var o = new BenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new BenchUsageException($"{name} needs a value");
            int Int(int min, int max) => ParseInt(name, Value(), min, max);
            double Fraction() => ParseFraction(name, Value());
            switch (name)
            {
                case "--events": o.Events = Int(1, 50_000_000); break;
                case "--batch-size": o.BatchSize = Int(2, 1000); break;
                case "--tenants": o.Tenants = Int(1, 1_000_000); break;
                case "--zipf": o.ZipfExponent = ParseDouble(name, Value(), 0, 5); break;
                case "--duplicates": o.DuplicateFraction = Fraction(); break;
                case "--invalid": o.InvalidFraction = Fraction(); break;
                case "--seed": o.Seed = Int(int.MinValue, int.MaxValue); break;
                case "--confirm-window": o.ConfirmWindow = Int(1, 100_000); break;
                case "--stall-seconds": o.StallSeconds = Int(5, 86_400); break;
                case "--skip-limits": o.SkipLimits = true; break;
                case "--latency-seconds": o.LatencySeconds = Int(3, 86_400); break;
                case "--latency-warmup-seconds": o.LatencyWarmUpSeconds = Int(0, 86_400); break;
                case "--latency-rate": o.LatencyRate = Int(0, 1_000_000); break;
                case "--probes": o.Probes = Int(1, 1_000_000); break;
                case "--probe-interval-ms": o.ProbeIntervalMs = Int(1, 60_000); break;
                case "--probe-timeout-seconds": o.ProbeTimeoutSeconds = Int(1, 3600); break;
                case "--skip-latency": o.SkipLatency = true; break;
                case "--signal-probes": o.SignalProbes = Int(1, 100_000); break;
                case "--signal-rate": o.SignalRate = Int(1, 1_000_000); break;
                case "--signal-interval-ms": o.SignalIntervalMs = Int(1, 60_000); break;
                case "--skip-signals": o.SkipSignals = true; break;
                case "--hold-rate": o.HoldRate = Int(1, 100_000); break;
                case "--hold-seconds": o.HoldSeconds = Int(1, 86_400); break;
                case "--hold-connections": o.HoldConnections = Int(1, 1024); break;
                case "--hold-tenants": o.HoldTenants = Int(1, 100_000); break;
                case "--hold-settle-ms": o.HoldSettleMs = Int(0, 600_000); break;
                case "--hold-background-rate": o.HoldBackgroundRate = Int(0, 1_000_000); break;
                case "--skip-holds": o.SkipHolds = true; break;
                case "--close-tenants": o.CloseTenants = Int(1, 1_000_000); break;
                case "--close-events": o.CloseEventsPerTenant = Int(1, 1000); break;
                case "--skip-close": o.SkipClose = true; break;
                case "--finance-tenants": o.FinanceTenants = Int(1, 1_000_000); break;
                case "--finance-months": o.FinanceMonths = Int(1, 120); break;
                case "--finance-requests": o.FinanceRequests = Int(1, 100_000); break;
                case "--skip-finance": o.SkipFinance = true; break;
                case "--paint-only": o.PaintOnly = true; break;
                case "--finance-only":
                    o.FinanceOnly = true;
                    o.SkipLimits = o.SkipLatency = o.SkipSignals = o.SkipHolds = o.SkipClose = o.SkipSteady = o.SkipHttp = true;
                    break;
                case "--steady-seconds": o.SteadySeconds = Int(10, 86_400); break;
                case "--steady-rate": o.SteadyRate = Int(1, 1_000_000); break;
                case "--steady-batch": o.SteadyBatch = Int(1, 1000); break;
                case "--sample-seconds": o.SampleSeconds = Int(1, 3600); break;
                case "--skip-steady": o.SkipSteady = true; break;
                case "--http-events": o.HttpEvents = Int(100, 10_000_000); break;
                case "--http-concurrency": o.HttpConcurrency = Int(1, 256); break;
                case "--skip-http": o.SkipHttp = true; break;
                case "--service-pid": o.ServicePid = Int(1, int.MaxValue); break;
                case "--api": o.ApiUrl = Value().TrimEnd('/'); break;
                case "--admin-key": o.AdminKey = Value(); break;
                case "--postgres": o.Postgres = Value(); break;
                case "--rabbitmq": o.RabbitMq = Value(); break;
                case "--report-file": o.ReportFile = Value(); break;
                case "--service-log": o.ServiceLog = Value(); break;
                default: throw new BenchUsageException($"unknown option '{name}' (see --help)");
            }
        }
        if (o.PaintOnly && !o.FinanceOnly) throw new BenchUsageException("--paint-only goes with --finance-only");
        if (o.FinanceOnly && o.SkipFinance) throw new BenchUsageException("--finance-only and --skip-finance exclude each other");
        if (o.DuplicateFraction + o.InvalidFraction >= 0.5) throw new BenchUsageException("--duplicates plus --invalid must stay below 0.5");
        if (o.Postgres.Length == 0) throw new BenchUsageException("no PostgreSQL: give --postgres or set TOKENLEDGER_POSTGRES");
        if (o.RabbitMq.Length == 0) throw new BenchUsageException("no RabbitMQ: give --rabbitmq or set TOKENLEDGER_RABBITMQ");
        if (!o.SkipSignals && o.AdminKey.Length == 0) throw new BenchUsageException("the signal phase needs --admin-key (or --skip-signals)");
        if (!o.SkipHolds && o.AdminKey.Length == 0) throw new BenchUsageException("the holds phase needs --admin-key (or --skip-holds)");
        if (!o.SkipHttp && o.AdminKey.Length == 0) throw new BenchUsageException("the HTTP ingest phase needs --admin-key (or --skip-http)");
        if (!o.SkipLatency && o.AdminKey.Length == 0) throw new BenchUsageException("the latency phase needs --admin-key (or --skip-latency)");
        return o;
    }

    private static int ParseInt(string name, string text, int min, int max) =>
        int.TryParse(text.Replace("_", ""), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new BenchUsageException($"{name} must be an integer between {min} and {max}, not '{text}'");

    private static double ParseFraction(string name, string text) => ParseDouble(name, text, 0, 0.49);

    private static double ParseDouble(string name, string text, double min, double max) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new BenchUsageException($"{name} must be a number between {min} and {max}, not '{text}'");
}

public sealed class BenchUsageException(string message) : Exception(message);
