namespace TokenLedger.Api;

/// <summary>Bound from environment variables (TOKENLEDGER_POSTGRES, TOKENLEDGER_RABBITMQ, …) or the TokenLedger config section.</summary>
public sealed class TokenLedgerOptions
{
    public const string Section = "TokenLedger";

    public string Postgres { get; set; } = "";
    public string RabbitMq { get; set; } = "";
    public string? AdminKey { get; set; }
    public IngestOptions Ingest { get; set; } = new();

    public sealed class IngestOptions
    {
        /// <summary>Broker messages combined into one database transaction.</summary>
        public int BatchMessages { get; set; } = 500;
        public int BatchTriggerMilliseconds { get; set; } = 20;
        public ushort PrefetchCount { get; set; } = 1000;
    }
}
