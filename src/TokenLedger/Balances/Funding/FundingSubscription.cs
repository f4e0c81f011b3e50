using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;
using Microsoft.Extensions.Logging;
using System.Diagnostics;
using TokenLedger.Balances.Holds;
using TokenLedger.Infrastructure;
using TokenLedger.Plans;
using TokenLedger.Pricing.RatingUsage;
using TokenLedger.Tenants;
using TokenLedger.Usage;

namespace TokenLedger.Balances.Funding;

/// <summary>
/// Reads rated usage and account commands in ledger order and records, per tenant, what each decided
/// (<see cref="AccountDecider"/>): the events go to the tenant's decision stream (how usage was paid for: to the page's
/// stream, <see cref="FundedUsagePages"/>) and the account document is stored,
/// both in the transaction that advances this subscription's progress, so each input is decided exactly once. The
/// gateway signals decided go out through the same transaction's outbox (<see cref="SignalOutbox"/>).
/// Run by the Wolverine-managed daemon on one node at a time.
/// </summary>
public sealed class FundingSubscription : SubscriptionBase
{
    public const string Key = "Funding";
    private readonly RatedUsageSource _usage;
    private readonly SignalOutbox _signals;
    private readonly ILogger<FundingSubscription> _logger;

    public FundingSubscription(RatedUsageSource usage, SignalOutbox signals, ILogger<FundingSubscription> logger)
    {
        _usage = usage;
        _signals = signals;
        _logger = logger;
        Name = Key;
        IncludeType<UsageBatchRecorded>();
        IncludeType<UsageBatchRated>();
        IncludeType<FundsToppedUp>();
        IncludeType<CreditGranted>();
        IncludeType<RefundRequested>();
        IncludeType<BalanceAdjusted>();
        IncludeType<TokenPackagePurchased>();
        IncludeType<CreditTermsSet>();
        IncludeType<PlanSubscriptionRequested>();
        IncludeType<PlanChangeRequested>();
        IncludeType<PlanCancellationRequested>();
        IncludeType<AccountClockTicked>();
        IncludeType<HoldPlaced>();
        IncludeType<HoldVoided>();
        IncludeType<HoldExpired>();
    }

    public override async Task<IChangeListener> ProcessEventsAsync(EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken ct)
    {
        // A failed read (the database restarting) is retried here rather than thrown: the daemon could otherwise
        // dead-letter the page, and usage would go unfunded. Only a bug in the decider stops the subscription.
        var started = Stopwatch.GetTimestamp();
        var inputs = await WhileTransientAsync(() => InputsAsync(page.Events, ct), ct);
        if (inputs.Count == 0) return NullChangeListener.Instance;
        var (accounts, tenants, plans) = await WhileTransientAsync(async () =>
        {
            var tenantIds = inputs.Select(i => i.TenantId).Distinct(StringComparer.Ordinal).ToList();
            var accounts = (await operations.LoadManyAsync<TenantAccount>(ct, tenantIds)).ToDictionary(a => a.Id, StringComparer.Ordinal);
            var tenants = (await operations.LoadManyAsync<Tenant>(ct, tenantIds.Select(TenantStreams.For))).ToDictionary(t => t.TenantId, StringComparer.Ordinal);
            var plans = (await operations.Query<Plan>().ToListAsync(ct)).ToDictionary(p => p.PlanId, StringComparer.Ordinal);
            return (accounts, tenants, plans);
        }, ct);
        var read = Stopwatch.GetElapsedTime(started);

        var touched = new HashSet<string>(StringComparer.Ordinal);
        var decisions = new Dictionary<string, List<object>>(StringComparer.Ordinal);
        foreach (var (tenantId, sequence, input) in inputs)
        {
            if (!tenants.TryGetValue(tenantId, out var tenant)) continue;
            var account = accounts.TryGetValue(tenantId, out var a) ? a : accounts[tenantId] = new TenantAccount();
            if (sequence <= account.LastSequence) continue;
            var context = new FundingContext(tenantId, tenant.Currency, tenant.TimeZone, plans, sequence);
            var decided = AccountDecider.Handle(account, input, context);
            account.LastSequence = sequence;
            touched.Add(tenantId);
            if (decided.Count == 0) continue;
            (decisions.TryGetValue(tenantId, out var list) ? list : decisions[tenantId] = []).AddRange(decided);
        }
        foreach (var (tenantId, decided) in decisions)
        {
            var accountDecisions = decided.Where(d => d is not UsageFunded).ToArray();
            if (accountDecisions.Length > 0) operations.Events.Append(AccountStreams.Decisions(tenantId), accountDecisions);
        }
        FundedUsagePages.Append(operations, LedgerSchema.Name, page.SequenceCeiling, decisions.Values.SelectMany(d => d).OfType<UsageFunded>().ToList());
        foreach (var id in touched) operations.Store(accounts[id]);
        _logger.LogDebug("Funding page {From}..{To}: {Events} events, {Inputs} inputs, {Tenants} tenants; read {ReadMs} ms, decided {DecideMs} ms",
            page.SequenceFloor, page.SequenceCeiling, page.Events.Count, inputs.Count, touched.Count,
            (long)read.TotalMilliseconds, (long)(Stopwatch.GetElapsedTime(started) - read).TotalMilliseconds);
        var signals = decisions.Values.SelectMany(d => d).OfType<GatewaySignalRaised>().Select(r => r.Signal).ToList();
        return signals.Count == 0 ? NullChangeListener.Instance : await _signals.EnrollAsync(operations, signals);
    }

    private static async Task<T> WhileTransientAsync<T>(Func<Task<T>> read, CancellationToken ct)
    {
        for (var delay = 100; ; delay = Math.Min(delay * 2, 5000))
        {
            try
            {
                return await read();
            }
            catch (Exception e) when (!ct.IsCancellationRequested && e is Npgsql.NpgsqlException or TimeoutException or Marten.Exceptions.MartenCommandException)
            {
                await Task.Delay(delay, ct);
            }
        }
    }

    private async Task<List<(string TenantId, long Sequence, object Input)>> InputsAsync(IReadOnlyList<IEvent> events, CancellationToken ct)
    {
        var rated = await _usage.ReadAsync(events, ct);
        var inputs = new List<(string, long, object)>();
        foreach (var e in events)
        {
            if (e.Data is UsageBatchRated batch)
            {
                foreach (var group in rated[e.Id].GroupBy(u => u.TenantId, StringComparer.Ordinal))
                    inputs.Add((group.Key, e.Sequence, new RatedUsageBatch(group.Key, batch.BatchId, group.Select(u => u.Usage).ToList())));
            }
            else if (e.StreamKey is { } key && key.StartsWith(AccountStreams.Prefix, StringComparison.Ordinal))
            {
                inputs.Add((key[AccountStreams.Prefix.Length..], e.Sequence, e.Data));
            }
            else if (e.Data is IHoldFact hold)
            {
                inputs.Add((hold.TenantId, e.Sequence, new HoldFactRead(hold, e.Version)));
            }
        }
        return inputs;
    }
}
