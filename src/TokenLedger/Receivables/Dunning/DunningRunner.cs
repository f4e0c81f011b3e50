using Marten;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;
using Npgsql;
using TokenLedger.Infrastructure;

namespace TokenLedger.Receivables.Dunning;

/// <summary>
/// Runs the dunning ladder every <see cref="DunningOptions.Interval"/> for tenants with past-due invoices or a suspension.
/// Every instance may run it: each tenant's steps are appended at the receivables stream version they were decided on,
/// so two runners (or a runner and a payment) racing collide, and the loser decides again from the winner's state,
/// where the steps are already taken (step ids are tenant:invoice:step). Each step and signal happens once.
/// </summary>
public sealed class DunningRunner(
    IDocumentStore store, NpgsqlDataSource db, ReceivablesCommands commands, IClock clock, IOptions<DunningOptions> options, ILogger<DunningRunner> logger)
    : RecurringService(logger)
{
    /// <summary>Attempts per tenant and run before it gives up (with a warning) until the next run.</summary>
    public const int MaxAttempts = 10;

    protected override TimeSpan Interval => options.Value.Interval;
    protected override string WorkName => "Dunning run";
    protected override Task RunPassAsync(CancellationToken ct) => RunOnceAsync(clock.GetCurrentInstant(), ct);

    /// <summary>Takes every step due at <paramref name="now"/>; returns how many events were appended.</summary>
    public async Task<int> RunOnceAsync(Instant now, CancellationToken ct)
    {
        var ladder = options.Value;
        var appended = 0;
        foreach (var tenantId in await CandidatesAsync(now, ladder, ct))
        {
            var done = false;
            for (var attempt = 1; attempt <= MaxAttempts && !done; attempt++)
            {
                var count = 0;
                done = await commands.TryAppendAsync(tenantId, now, context =>
                {
                    var events = DunningLadder.Decide(context, ladder);
                    count = events.Count;
                    return events;
                }, ct);
                if (!done) continue;
                appended += count;
                if (count > 0) logger.LogInformation("Dunning for {TenantId}: {Count} events", tenantId, count);
            }
            if (!done)
                logger.LogWarning(
                    "Dunning for {TenantId} gave up at {Now}: {Attempts} attempts conflicted with other writes to its receivables stream; the next run tries again",
                    tenantId, now, MaxAttempts);
        }
        return appended;
    }

    /// <summary>
    /// Tenants that may have a step due: an open invoice whose due date is at least the smallest step's days behind the
    /// latest local date anywhere (UTC date + 1), or a suspension to lift. The decider then counts days in the tenant's zone.
    /// </summary>
    private async Task<IReadOnlyList<string>> CandidatesAsync(Instant now, DunningOptions ladder, CancellationToken ct)
    {
        var firstStep = Math.Min(ladder.ReminderDays, Math.Min(ladder.FinalNoticeDays, ladder.SuspensionDays));
        var latest = now.InUtc().Date.PlusDays(1 - Math.Max(1, firstStep));
        await using var command = db.CreateCommand(
            $"select distinct tenant_id from {LedgerSchema.Name}.{ReceivablesProjection.Invoices} where settled_at = 'infinity' and due_date <= @latest and issued_at <= @now");
        command.Parameters.AddWithValue("latest", latest.ToDateOnly());
        command.Parameters.AddWithValue("now", now.ToDateTimeOffset());
        var tenants = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) tenants.Add(reader.GetString(0));
        await using var session = store.QuerySession();
        tenants.AddRange(await session.Query<ReceivablesAccount>().Where(a => a.Suspended).Select(a => a.TenantId).ToListAsync(ct));
        return tenants.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }
}
