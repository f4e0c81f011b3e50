using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;
using Npgsql;
using TokenLedger.Infrastructure;
using TokenLedger.Usage.LoggingRejectedUsage;

namespace TokenLedger.Usage.PruningDeadLetters;

/// <summary>
/// Keeps <c>rejected_usage</c> bounded: every <see cref="DeadLetterRetentionOptions.Interval"/> it deletes the rows received
/// more than <see cref="DeadLetterRetentionOptions.RetentionDays"/> days ago, a few thousand per statement so that no
/// delete holds locks for long. Only the log is pruned: the refused messages themselves stay on the dead-letter queue,
/// and no usage is touched. Any instance may run it; two deleting the same rows at once delete each row once.
/// </summary>
public sealed class DeadLetterPruner(NpgsqlDataSource db, IClock clock, IOptions<DeadLetterRetentionOptions> options, ILogger<DeadLetterPruner> logger)
    : RecurringService(logger)
{
    public const int RowsPerStatement = 5_000;

    protected override TimeSpan Interval => options.Value.Interval;
    protected override string WorkName => "Pruning dead letters";
    protected override Task RunPassAsync(CancellationToken ct) => PruneOnceAsync(clock.GetCurrentInstant(), ct);

    /// <summary>Deletes every row received before <paramref name="now"/> minus the retention; returns how many.</summary>
    public async Task<long> PruneOnceAsync(Instant now, CancellationToken ct)
    {
        var cutoff = now - Duration.FromDays(options.Value.RetentionDays);
        var table = $"{LedgerSchema.Name}.{RejectedUsageLog.TableName}";
        long deleted = 0;
        while (true)
        {
            await using var command = db.CreateCommand(
                $"delete from {table} where id in (select id from {table} where received_at < @cutoff limit {RowsPerStatement})");
            command.Parameters.AddWithValue("cutoff", cutoff.ToDateTimeOffset());
            var rows = await command.ExecuteNonQueryAsync(ct);
            deleted += rows;
            if (rows < RowsPerStatement) break;
        }
        if (deleted > 0) logger.LogInformation("Deleted {Rows} dead-letter rows received before {Cutoff}", deleted, cutoff);
        return deleted;
    }
}
