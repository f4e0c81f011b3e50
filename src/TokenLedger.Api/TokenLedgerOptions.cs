namespace TokenLedger.Api;

/// <summary>Bound from environment variables (TOKENLEDGER_POSTGRES, TOKENLEDGER_RABBITMQ, …) or the TokenLedger config section.</summary>
public sealed class TokenLedgerOptions
{
    public const string Section = "TokenLedger";

    public string Postgres { get; set; } = "";
    public string RabbitMq { get; set; } = "";
    public string? AdminKey { get; set; }

    /// <summary>True when no TOKENLEDGER_ADMIN_KEY was given and <see cref="AdminKey"/> was generated for this run (the start-up banner shows it).</summary>
    public bool AdminKeyGenerated { get; internal set; }

    /// <summary>True when TOKENLEDGER_ADMIN_KEY is "disabled": only stored keys authenticate.</summary>
    public bool AdminKeyDisabled { get; internal set; }

    /// <summary>When set, GET /metrics answers only to <c>Authorization: Bearer &lt;this key&gt;</c>; unset (default), it is open.</summary>
    public string? MetricsKey { get; set; }
    public IngestOptions Ingest { get; set; } = new();
    public ProjectionOptions Projections { get; set; } = new();
    public SchemaOptions Schema { get; set; } = new();

    /// <summary>How often accounts with an expiry, renewal or window roll due are ticked.</summary>
    public TimeSpan AccountClockInterval { get; set; } = TimeSpan.FromSeconds(5);

    public sealed class ProjectionOptions
    {
        /// <summary>How often the projection daemon polls for new events; cap signals wait up to one interval for it.</summary>
        public int PollingMilliseconds { get; set; } = (int)Infrastructure.LedgerStoreConfiguration.DefaultPolling.TotalMilliseconds;

        public TimeSpan Polling => TimeSpan.FromMilliseconds(PollingMilliseconds);
    }

    public sealed class SchemaOptions
    {
        /// <summary>
        /// False (default): a start whose configured schema has the fingerprint stamped by the last successful schema apply
        /// skips the comparison of the whole schema with the database (docs/operations.md, "Schema at start-up"). True:
        /// every start compares all of it, as before, and stamps nothing (after a change made to the schema by hand).
        /// </summary>
        public bool AlwaysCompare { get; set; }
    }

    public sealed class IngestOptions
    {
        /// <summary>Unacknowledged deliveries the broker may push to one instance.</summary>
        public ushort PrefetchCount { get; set; } = 2000;

        /// <summary>AMQP consumers (connections) per usage queue on one instance.</summary>
        public int Listeners { get; set; } = 1;

        /// <summary>
        /// Commits of one delivery or request (1–20) before its items are committed one by one and the ones that still
        /// fail on their own are dead-lettered with the reason.
        /// </summary>
        public int CommitAttempts { get; set; } = TokenLedger.Usage.RecordingUsage.UsageCommitOptions.DefaultAttempts;
    }
}
