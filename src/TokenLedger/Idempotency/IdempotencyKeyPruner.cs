using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;
using TokenLedger.Infrastructure;

namespace TokenLedger.Idempotency;

/// <summary>How long idempotency keys and their answers are kept (configuration section <c>TokenLedger:Idempotency</c>).</summary>
public sealed class IdempotencyOptions
{
    public const string Section = "TokenLedger:Idempotency";
    public const int MinimumRetentionDays = 30;

    /// <summary>Keys claimed more than this many days ago are forgotten (default 30, the minimum).</summary>
    public int RetentionDays { get; set; } = MinimumRetentionDays;

    /// <summary>How often old keys are deleted; zero or negative turns the scheduled run off.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>Forgets idempotency keys past the retention; a retry after that is a new request.</summary>
public sealed class IdempotencyKeyPruner(IdempotencyRecords records, IClock clock, IOptions<IdempotencyOptions> options, ILogger<IdempotencyKeyPruner> logger)
    : RecurringService(logger)
{
    protected override TimeSpan Interval => options.Value.Interval;
    protected override string WorkName => "Pruning idempotency keys";

    protected override async Task RunPassAsync(CancellationToken ct)
    {
        var cutoff = clock.GetCurrentInstant() - Duration.FromDays(options.Value.RetentionDays);
        var deleted = await records.PruneAsync(cutoff, ct);
        if (deleted > 0) logger.LogInformation("Forgot {Keys} idempotency keys claimed before {Cutoff}", deleted, cutoff);
    }
}
