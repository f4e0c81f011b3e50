using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;
using System.Text;
using TokenLedger.Infrastructure;
using TokenLedger.Parking;
using TokenLedger.Pricing.RatingUsage;
using TokenLedger.Usage.Facts;

namespace TokenLedger.Prepayment.Drawdowns;

/// <summary>
/// Reads deposits, thresholds and rated usage in ledger order and records, per distributor, what each decided
/// (<see cref="PrepaymentDecider"/>): the events go to the distributor's prepayment stream and the account document is
/// stored, both in the transaction that advances this subscription's progress, so each input is decided exactly once.
/// Only distributors that have deposited or set a threshold are tracked, so usage of the others costs one document read.
/// Each distributor's inputs of one event are decided on a copy of its account; if that throws every attempt they are
/// parked and the distributor's later inputs held behind them, while every other distributor goes on (<see cref="InputParking"/>).
/// </summary>
public sealed class PrepaymentSubscription : SubscriptionBase
{
    public const string Key = "Prepayment";
    private readonly WholesaleUsageSource _usage;
    private readonly InputParking _parking;

    public PrepaymentSubscription(WholesaleUsageSource usage, InputParking parking)
    {
        _usage = usage;
        _parking = parking;
        Name = Key;
        IncludeType<UsageBatchRated>();
        IncludeType<UpstreamDepositRecorded>();
        IncludeType<PrepaymentThresholdSet>();
        IncludeType<ParkedInputRetryRequested>();
    }

    public override async Task<IChangeListener> ProcessEventsAsync(EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken ct)
    {
        // Read through a session of its own: the subscription's session has an identity map, and the accounts it stores
        // are the copies each input was decided on (InputParking), which it would refuse beside loaded instances.
        await using var read = operations.DocumentStore.QuerySession();
        var accounts = (await read.Query<PrepaymentAccount>().ToListAsync(ct)).ToDictionary(a => a.Id, StringComparer.Ordinal);
        var tracked = accounts.Keys.Concat(page.Events.Select(e => e.Data switch
        {
            UpstreamDepositRecorded d => d.DistributorId,
            PrepaymentThresholdSet t => t.DistributorId,
            _ => null,
        }).OfType<string>()).ToHashSet(StringComparer.Ordinal);
        if (tracked.Count == 0) return NullChangeListener.Instance;

        var units = Units(await InputsAsync(page.Events, tracked, ct));
        if (units.Count == 0) return NullChangeListener.Instance;
        var pending = await InputParking.PendingAsync(read, Key, units.Select(u => u.DistributorId).Distinct(StringComparer.Ordinal).ToList(), ct);
        var json = operations.DocumentStore.Options.Serializer();
        var touched = new HashSet<string>(StringComparer.Ordinal);
        var decisions = new Dictionary<string, List<object>>(StringComparer.Ordinal);
        var parked = new List<ParkedInput>();
        foreach (var (distributorId, e, inputs) in units)
        {
            if (inputs is [ParkedInputRetryRequested retry])
            {
                await RetryAsync(retry, accounts, pending, json, operations, Decided, parked, tracked, ct);
                continue;
            }
            var account = Account(accounts, distributorId);
            if (e.Sequence <= account.LastSequence) continue;
            if (pending.Blocking(distributorId) is { } blocking)
            {
                var held = _parking.Hold(Key, distributorId, e, blocking);
                pending.Add(held);
                parked.Add(held);
                continue;
            }
            var attempt = _parking.Decide(Key, distributorId, inputs, account, a => Copy(json, a), a => Decide(a, inputs, e.Sequence));
            if (attempt.Decided)
            {
                accounts[distributorId] = attempt.State;
                Decided(distributorId, attempt.Events);
                continue;
            }
            var park = _parking.Park(Key, distributorId, e, attempt.Error!, attempt.Attempts);
            pending.Add(park);
            parked.Add(park);
        }
        foreach (var (distributorId, decided) in decisions)
        {
            operations.Events.Append(PrepaymentStreams.Decisions(distributorId), decided.ToArray());
            foreach (var drawn in decided.OfType<PrepaymentDrawnDown>()) PrepaymentDrawdowns.Record(operations, LedgerSchema.Name, drawn);
        }
        foreach (var id in touched) operations.Store(accounts[id]);
        foreach (var row in parked) operations.Store(row);
        return NullChangeListener.Instance;

        void Decided(string distributorId, IReadOnlyList<object> decided)
        {
            touched.Add(distributorId);
            if (decided.Count > 0) (decisions.TryGetValue(distributorId, out var list) ? list : decisions[distributorId] = []).AddRange(decided);
        }
    }

    /// <summary>The inputs of one distributor from one event (a rating yields one per provider): decided, parked or held together.</summary>
    private static List<(string DistributorId, IEvent Event, List<object> Inputs)> Units(List<(string DistributorId, IEvent Event, object Input)> inputs) =>
        inputs.GroupBy(i => (i.DistributorId, i.Event.Sequence)).Select(g => (g.Key.DistributorId, g.First().Event, g.Select(i => i.Input).ToList())).ToList();

    private static PrepaymentAccount Account(Dictionary<string, PrepaymentAccount> accounts, string distributorId) =>
        accounts.TryGetValue(distributorId, out var a) ? a : accounts[distributorId] = new PrepaymentAccount { Id = distributorId };

    private static IReadOnlyList<object> Decide(PrepaymentAccount account, List<object> inputs, long sequence)
    {
        var all = new List<object>();
        foreach (var input in inputs)
        {
            var decided = PrepaymentDecider.Decide(account, input, sequence);
            if (input is not WholesaleUsage) account.Apply(input);
            foreach (var e in decided) account.Apply(e);
            all.AddRange(decided);
        }
        account.LastSequence = sequence;
        return all;
    }

    /// <summary>Decides the distributor's parked input named by the retry and the inputs held behind it, in ledger order, each at most once.</summary>
    private async Task RetryAsync(
        ParkedInputRetryRequested retry, Dictionary<string, PrepaymentAccount> accounts, PendingInputs pending, ISerializer json, IDocumentOperations operations,
        Action<string, IReadOnlyList<object>> decided, List<ParkedInput> parked, HashSet<string> tracked, CancellationToken ct)
    {
        var waiting = pending.Of(retry.AccountId).ToList();
        if (!waiting.Any(p => p.Id == retry.ParkedId)) return;
        for (var i = 0; i < waiting.Count; i++)
        {
            var row = waiting[i];
            parked.Add(row);
            pending.Remove(row);
            var account = Account(accounts, row.AccountId);
            var stored = await operations.Events.LoadAsync(row.EventId, ct);
            var inputs = stored is null || row.Sequence <= account.LastSequence
                ? []
                : (await InputsAsync([stored], new HashSet<string>(tracked, StringComparer.Ordinal) { row.AccountId }, ct)).Where(x => x.DistributorId == row.AccountId).Select(x => x.Input).ToList();
            if (inputs.Count == 0)
            {
                // Already decided (the account is past it) or nothing left to decide: never decided twice.
                _parking.Decided(row, retry, 0);
                continue;
            }
            var attempt = _parking.Decide(Key, row.AccountId, inputs, account, a => Copy(json, a), a => Decide(a, inputs, row.Sequence));
            if (attempt.Decided)
            {
                accounts[row.AccountId] = attempt.State;
                decided(row.AccountId, attempt.Events);
                _parking.Decided(row, retry, attempt.Attempts);
                continue;
            }
            row.Retries++;
            row.RetriedBy = retry.RequestedBy;
            _parking.Failed(row, attempt.Error!, attempt.Attempts);
            pending.Add(row);
            foreach (var later in waiting.Skip(i + 1))
            {
                later.Status = ParkedStatus.Held;
                later.HeldBehind = row.Id;
                pending.Add(later);
                parked.Add(later);
            }
            return;
        }
    }

    private static PrepaymentAccount Copy(ISerializer json, PrepaymentAccount account)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json.ToJson(account)));
        return json.FromJson<PrepaymentAccount>(stream);
    }

    private async Task<List<(string DistributorId, IEvent Event, object Input)>> InputsAsync(
        IReadOnlyList<IEvent> events, HashSet<string> tracked, CancellationToken ct)
    {
        var ratings = events.Where(e => e.Data is UsageBatchRated).ToList();
        var eventIds = ratings.SelectMany(e => ((UsageBatchRated)e.Data).Ratings)
            .Where(r => r.Wholesale.IsRated && tracked.Contains(r.Payer)).Select(r => r.EventId).ToList();
        var drawn = (await _usage.ReadAsync(eventIds, ratings.Select(e => e.Id).ToList(), ct)).ToLookup(u => u.RatedBy);

        var inputs = new List<(string, IEvent, object)>();
        foreach (var e in events)
        {
            switch (e.Data)
            {
                case UsageBatchRated batch:
                    inputs.AddRange(drawn[e.Id].Select(u => (u.Payer, e,
                        (object)new WholesaleUsage(u.Payer, u.Provider, e.Id, batch.BatchId, u.Events, u.Amount, batch.RatedAt))));
                    break;
                case UpstreamDepositRecorded d: inputs.Add((d.DistributorId, e, d)); break;
                case PrepaymentThresholdSet t: inputs.Add((t.DistributorId, e, t)); break;
                case ParkedInputRetryRequested r when r.Subscription == Key: inputs.Add((r.AccountId, e, r)); break;
            }
        }
        return inputs;
    }
}
