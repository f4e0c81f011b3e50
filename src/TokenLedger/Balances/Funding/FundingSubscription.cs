using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;
using Microsoft.Extensions.Logging;
using System.Diagnostics;
using TokenLedger.Balances.Holds;
using System.Text;
using TokenLedger.Infrastructure;
using TokenLedger.Parking;
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
/// An input whose decision throws is parked after a few attempts and the tenant's later inputs are held behind it, while
/// every other tenant is funded on (<see cref="InputParking"/>); an operator's retry decides them in order.
/// Run by the Wolverine-managed daemon on one node at a time.
/// </summary>
public sealed class FundingSubscription : SubscriptionBase
{
    public const string Key = "Funding";
    private readonly RatedUsageSource _usage;
    private readonly SignalOutbox _signals;
    private readonly InputParking _parking;
    private readonly ILogger<FundingSubscription> _logger;

    public FundingSubscription(RatedUsageSource usage, SignalOutbox signals, InputParking parking, ILogger<FundingSubscription> logger)
    {
        _usage = usage;
        _signals = signals;
        _parking = parking;
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
        IncludeType<ParkedInputRetryRequested>();
    }

    public override async Task<IChangeListener> ProcessEventsAsync(EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken ct)
    {
        // A failed read (the database restarting) is retried here rather than thrown: the daemon could otherwise
        // dead-letter the page, and usage would go unfunded. An input whose decision throws is parked (InputParking).
        var started = Stopwatch.GetTimestamp();
        var inputs = await WhileTransientAsync(() => InputsAsync(page.Events, ct), ct);
        if (inputs.Count == 0) return NullChangeListener.Instance;
        var tenantIds = inputs.Select(i => i.TenantId).Distinct(StringComparer.Ordinal).ToList();
        // Read through a session of its own: the subscription's session has an identity map, and the accounts it stores
        // may be copies decided one by one (InputParking), which it would refuse beside loaded instances of the same id.
        var state = await WhileTransientAsync(() => StateAsync(operations.DocumentStore, tenantIds, ct), ct);
        var read = Stopwatch.GetElapsedTime(started);

        var decided = new PageDecisions();
        var done = false;
        if (!state.Pending.Any && !inputs.Any(i => i.Input is ParkedInputRetryRequested))
        {
            try
            {
                DecideInOrder(inputs, state, decided);
                done = true;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The accounts were changed in memory up to the failure: start the page again from the stored ones.
                _logger.LogWarning("Funding page {From}..{To}: deciding an input threw {ExceptionType}; deciding the page input by input",
                    page.SequenceFloor, page.SequenceCeiling, e.GetType().Name);
                state = await WhileTransientAsync(() => StateAsync(operations.DocumentStore, tenantIds, ct), ct);
                decided = new PageDecisions();
            }
        }
        if (!done) await DecideOneByOneAsync(inputs, state, decided, operations.DocumentStore.Options.Serializer(), operations, ct);

        foreach (var (tenantId, events) in decided.Decisions)
        {
            var accountDecisions = events.Where(d => d is not UsageFunded).ToArray();
            if (accountDecisions.Length > 0) operations.Events.Append(AccountStreams.Decisions(tenantId), accountDecisions);
        }
        FundedUsagePages.Append(operations, LedgerSchema.Name, page.SequenceCeiling, decided.Decisions.Values.SelectMany(d => d).OfType<UsageFunded>().ToList());
        foreach (var id in decided.Touched) operations.Store(state.Accounts[id]);
        foreach (var parked in decided.Parked) operations.Store(parked);
        _logger.LogDebug("Funding page {From}..{To}: {Events} events, {Inputs} inputs, {Tenants} tenants; read {ReadMs} ms, decided {DecideMs} ms",
            page.SequenceFloor, page.SequenceCeiling, page.Events.Count, inputs.Count, decided.Touched.Count,
            (long)read.TotalMilliseconds, (long)(Stopwatch.GetElapsedTime(started) - read).TotalMilliseconds);
        var signals = decided.Decisions.Values.SelectMany(d => d).OfType<GatewaySignalRaised>().Select(r => r.Signal).ToList();
        return signals.Count == 0 ? NullChangeListener.Instance : await _signals.EnrollAsync(operations, signals);
    }

    private sealed record PageState(
        Dictionary<string, TenantAccount> Accounts, Dictionary<string, Tenant> Tenants, Dictionary<string, Plan> Plans, PendingInputs Pending)
    {
        public TenantAccount Account(string tenantId) => Accounts.TryGetValue(tenantId, out var a) ? a : Accounts[tenantId] = new TenantAccount();
    }

    private sealed class PageDecisions
    {
        public HashSet<string> Touched { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, List<object>> Decisions { get; } = new(StringComparer.Ordinal);
        public List<ParkedInput> Parked { get; } = [];

        public void Add(string tenantId, IReadOnlyList<object> decided)
        {
            Touched.Add(tenantId);
            if (decided.Count > 0) (Decisions.TryGetValue(tenantId, out var list) ? list : Decisions[tenantId] = []).AddRange(decided);
        }
    }

    private static async Task<PageState> StateAsync(IDocumentStore store, List<string> tenantIds, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var accounts = (await session.LoadManyAsync<TenantAccount>(ct, tenantIds)).ToDictionary(a => a.Id, StringComparer.Ordinal);
        var tenants = (await session.LoadManyAsync<Tenant>(ct, tenantIds.Select(TenantStreams.For))).ToDictionary(t => t.TenantId, StringComparer.Ordinal);
        var plans = (await session.Query<Plan>().ToListAsync(ct)).ToDictionary(p => p.PlanId, StringComparer.Ordinal);
        return new PageState(accounts, tenants, plans, await InputParking.PendingAsync(session, Key, tenantIds, ct));
    }

    /// <summary>The fast path: every input decided on the account itself, in ledger order; the first failure throws.</summary>
    private void DecideInOrder(List<(string TenantId, IEvent Event, object Input)> inputs, PageState state, PageDecisions decided)
    {
        foreach (var (tenantId, e, input) in inputs)
        {
            if (!state.Tenants.TryGetValue(tenantId, out var tenant)) continue;
            var account = state.Account(tenantId);
            if (e.Sequence <= account.LastSequence) continue;
            _parking.BeforeDeciding(Key, tenantId, input);
            decided.Add(tenantId, Decide(account, tenant, state.Plans, e.Sequence, input));
        }
    }

    /// <summary>
    /// Each input decided on a copy of its account, <see cref="InputParking.Attempts"/> times at most, then parked; the
    /// later inputs of a tenant with a parked input are held, and a retry decides that tenant's parked and held inputs in order.
    /// </summary>
    private async Task DecideOneByOneAsync(
        List<(string TenantId, IEvent Event, object Input)> inputs, PageState state, PageDecisions decided, ISerializer json, IDocumentOperations operations, CancellationToken ct)
    {
        foreach (var (tenantId, e, input) in inputs)
        {
            if (!state.Tenants.TryGetValue(tenantId, out var tenant)) continue;
            if (input is ParkedInputRetryRequested retry)
            {
                await RetryAsync(retry, tenant, state, decided, json, operations, ct);
                continue;
            }
            if (e.Sequence <= state.Account(tenantId).LastSequence) continue;
            if (state.Pending.Blocking(tenantId) is { } blocking)
            {
                var held = _parking.Hold(Key, tenantId, e, blocking);
                state.Pending.Add(held);
                decided.Parked.Add(held);
                continue;
            }
            var account = state.Account(tenantId);
            var attempt = _parking.Decide(Key, tenantId, input, account, a => Copy(json, a), a => Decide(a, tenant, state.Plans, e.Sequence, input));
            if (attempt.Decided)
            {
                state.Accounts[tenantId] = attempt.State;
                decided.Add(tenantId, attempt.Events);
                continue;
            }
            var parked = _parking.Park(Key, tenantId, e, attempt.Error!, attempt.Attempts);
            state.Pending.Add(parked);
            decided.Parked.Add(parked);
        }
    }

    /// <summary>Decides the tenant's parked input named by the retry and the inputs held behind it, in ledger order, each at most once.</summary>
    private async Task RetryAsync(
        ParkedInputRetryRequested retry, Tenant tenant, PageState state, PageDecisions decided, ISerializer json, IDocumentOperations operations, CancellationToken ct)
    {
        var waiting = state.Pending.Of(tenant.TenantId).ToList();
        if (!waiting.Any(p => p.Id == retry.ParkedId)) return;
        for (var i = 0; i < waiting.Count; i++)
        {
            var row = waiting[i];
            decided.Parked.Add(row);
            state.Pending.Remove(row);
            var account = state.Account(tenant.TenantId);
            var stored = await WhileTransientAsync(() => operations.Events.LoadAsync(row.EventId, ct), ct);
            var input = stored is null || row.Sequence <= account.LastSequence
                ? null
                : (await WhileTransientAsync(() => InputsAsync([stored], ct), ct)).Where(x => x.TenantId == tenant.TenantId).Select(x => x.Input).FirstOrDefault();
            if (input is null)
            {
                // Already decided (the account is past it) or nothing left to decide: never decided twice.
                _parking.Decided(row, retry, 0);
                continue;
            }
            var attempt = _parking.Decide(Key, tenant.TenantId, input, account, a => Copy(json, a), a => Decide(a, tenant, state.Plans, row.Sequence, input));
            if (attempt.Decided)
            {
                state.Accounts[tenant.TenantId] = attempt.State;
                decided.Add(tenant.TenantId, attempt.Events);
                _parking.Decided(row, retry, attempt.Attempts);
                continue;
            }
            row.Retries++;
            row.RetriedBy = retry.RequestedBy;
            _parking.Failed(row, attempt.Error!, attempt.Attempts);
            state.Pending.Add(row);
            foreach (var later in waiting.Skip(i + 1))
            {
                later.Status = ParkedStatus.Held;
                later.HeldBehind = row.Id;
                state.Pending.Add(later);
                decided.Parked.Add(later);
            }
            return;
        }
    }

    private static IReadOnlyList<object> Decide(TenantAccount account, Tenant tenant, Dictionary<string, Plan> plans, long sequence, object input)
    {
        var decided = AccountDecider.Handle(account, input, new FundingContext(tenant.TenantId, tenant.Currency, tenant.TimeZone, plans, sequence));
        account.LastSequence = sequence;
        return decided;
    }

    private static TenantAccount Copy(ISerializer json, TenantAccount account)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json.ToJson(account)));
        return json.FromJson<TenantAccount>(stream);
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

    private async Task<List<(string TenantId, IEvent Event, object Input)>> InputsAsync(IReadOnlyList<IEvent> events, CancellationToken ct)
    {
        var rated = await _usage.ReadAsync(events, ct);
        var inputs = new List<(string, IEvent, object)>();
        foreach (var e in events)
        {
            if (e.Data is UsageBatchRated batch)
            {
                foreach (var group in rated[e.Id].GroupBy(u => u.TenantId, StringComparer.Ordinal))
                    inputs.Add((group.Key, e, new RatedUsageBatch(group.Key, batch.BatchId, group.Select(u => u.Usage).ToList())));
            }
            else if (e.Data is ParkedInputRetryRequested retry)
            {
                if (retry.Subscription == Key) inputs.Add((retry.AccountId, e, retry));
            }
            else if (e.StreamKey is { } key && key.StartsWith(AccountStreams.Prefix, StringComparison.Ordinal))
            {
                inputs.Add((key[AccountStreams.Prefix.Length..], e, e.Data));
            }
            else if (e.Data is IHoldFact hold)
            {
                inputs.Add((hold.TenantId, e, new HoldFactRead(hold, e.Version)));
            }
        }
        return inputs;
    }
}
