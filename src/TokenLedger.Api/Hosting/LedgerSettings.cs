using System.Security.Cryptography;

namespace TokenLedger.Api.Hosting;

public static class LedgerSettings
{
    /// <summary>Reads TOKENLEDGER_* environment variables over the "TokenLedger" configuration section.</summary>
    public static TokenLedgerOptions Read(IConfiguration configuration)
    {
        var options = configuration.GetSection(TokenLedgerOptions.Section).Get<TokenLedgerOptions>() ?? new TokenLedgerOptions();
        options.Postgres = configuration["TOKENLEDGER_POSTGRES"] ?? options.Postgres;
        options.RabbitMq = configuration["TOKENLEDGER_RABBITMQ"] ?? options.RabbitMq;
        options.AdminKey = configuration["TOKENLEDGER_ADMIN_KEY"] ?? options.AdminKey;
        options.MetricsKey = configuration["TOKENLEDGER_METRICS_KEY"] ?? options.MetricsKey;

        if (string.IsNullOrWhiteSpace(options.Postgres))
            throw new InvalidOperationException("TOKENLEDGER_POSTGRES is not set: give an Npgsql connection string, or start with ops/run which sets it");
        if (string.IsNullOrWhiteSpace(options.RabbitMq))
            throw new InvalidOperationException("TOKENLEDGER_RABBITMQ is not set: give an amqp:// URI, or start with ops/run which sets it");
        if (options.Projections.PollingMilliseconds is < 10 or > 10_000)
            throw new InvalidOperationException($"TokenLedger:Projections:PollingMilliseconds is {options.Projections.PollingMilliseconds}: give 10 to 10000 milliseconds");
        if (options.Ingest.CommitAttempts is < 1 or > 20)
            throw new InvalidOperationException($"TokenLedger:Ingest:CommitAttempts is {options.Ingest.CommitAttempts}: give 1 to 20");
        if (string.Equals(options.AdminKey, DisabledAdminKey, StringComparison.OrdinalIgnoreCase))
        {
            // Run on stored keys only: create an operator key first (POST /api/keys), then restart with "disabled".
            options.AdminKey = null;
            options.AdminKeyDisabled = true;
        }
        else if (string.IsNullOrWhiteSpace(options.AdminKey))
        {
            options.AdminKey = "tl_admin_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
            options.AdminKeyGenerated = true; // shown once, set apart, by the start-up banner (StartupBanner)
        }
        else if (options.AdminKey.Length < MinAdminKeyLength)
            throw new InvalidOperationException($"TOKENLEDGER_ADMIN_KEY is {options.AdminKey.Length} characters: give at least {MinAdminKeyLength}, or 'disabled'");
        return options;
    }

    public const string DisabledAdminKey = "disabled";
    public const int MinAdminKeyLength = 20;
}
