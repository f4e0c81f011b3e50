using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;
using TokenLedger.Infrastructure;
using TokenLedger.Pricing.RatingUsage;
using TokenLedger.Usage.Facts;

namespace TokenLedger.Prepayment.Drawdowns;

/// <summary>
/// Reads deposits, thresholds and rated usage in ledger order and records, per distributor, what each decided
/// (<see cref="PrepaymentDecider"/>): the events go to the distributor's prepayment stream and the account document is
/// stored, both in the transaction that advances this subscription's progress, so each input is decided exactly once.
/// Only distributors that have deposited or set a threshold are tracked, so usage of the others costs one document read.
/// </summary>
public sealed class PrepaymentSubscription : SubscriptionBase
{
    public const string Key = "Prepayment";
    private readonly WholesaleUsageSource _usage;

    public PrepaymentSubscription(WholesaleUsageSource usage)
    {
        _usage = usage;
        Name = Key;
        IncludeType<UsageBatchRated>();
        IncludeType<UpstreamDepositRecorded>();
        IncludeType<PrepaymentThresholdSet>();
    }

    public override async Task<IChangeListener> ProcessEventsAsync(EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken ct)
    {
        var accounts = (await operations.Query<PrepaymentAccount>().ToListAsync(ct)).ToDictionary(a => a.Id, StringComparer.Ordinal);
        var tracked = accounts.Keys.Concat(page.Events.Select(e => e.Data switch
        {
            UpstreamDepositRecorded d => d.DistributorId,
            PrepaymentThresholdSet t => t.DistributorId,
            _ => null,
        }).OfType<string>()).ToHashSet(StringComparer.Ordinal);
        if (tracked.Count == 0) return NullChangeListener.Instance;

        var inputs = await InputsAsync(page.Events, tracked, ct);
        var touched = new HashSet<string>(StringComparer.Ordinal);
        var decisions = new Dictionary<string, List<object>>(StringComparer.Ordinal);
        // One rating event can yield several inputs (providers) with the same sequence: compare with the progress before this page.
        var decidedUpTo = accounts.ToDictionary(a => a.Key, a => a.Value.LastSequence, StringComparer.Ordinal);
        foreach (var (distributorId, sequence, input) in inputs)
        {
            var account = accounts.TryGetValue(distributorId, out var a) ? a : accounts[distributorId] = new PrepaymentAccount { Id = distributorId };
            if (sequence <= decidedUpTo.GetValueOrDefault(distributorId)) continue;
            var decided = PrepaymentDecider.Decide(account, input, sequence);
            if (input is not WholesaleUsage) account.Apply(input);
            foreach (var e in decided) account.Apply(e);
            account.LastSequence = sequence;
            touched.Add(distributorId);
            if (decided.Count > 0) (decisions.TryGetValue(distributorId, out var list) ? list : decisions[distributorId] = []).AddRange(decided);
        }
        foreach (var (distributorId, decided) in decisions)
        {
            operations.Events.Append(PrepaymentStreams.Decisions(distributorId), decided.ToArray());
            foreach (var drawn in decided.OfType<PrepaymentDrawnDown>()) PrepaymentDrawdowns.Record(operations, LedgerSchema.Name, drawn);
        }
        foreach (var id in touched) operations.Store(accounts[id]);
        return NullChangeListener.Instance;
    }

    private async Task<List<(string DistributorId, long Sequence, object Input)>> InputsAsync(
        IReadOnlyList<IEvent> events, HashSet<string> tracked, CancellationToken ct)
    {
        var ratings = events.Where(e => e.Data is UsageBatchRated).ToList();
        var eventIds = ratings.SelectMany(e => ((UsageBatchRated)e.Data).Ratings)
            .Where(r => r.Wholesale.IsRated && tracked.Contains(r.Payer)).Select(r => r.EventId).ToList();
        var drawn = (await _usage.ReadAsync(eventIds, ratings.Select(e => e.Id).ToList(), ct)).ToLookup(u => u.RatedBy);

        var inputs = new List<(string, long, object)>();
        foreach (var e in events)
        {
            switch (e.Data)
            {
                case UsageBatchRated batch:
                    inputs.AddRange(drawn[e.Id].Select(u => (u.Payer, e.Sequence,
                        (object)new WholesaleUsage(u.Payer, u.Provider, e.Id, batch.BatchId, u.Events, u.Amount, batch.RatedAt))));
                    break;
                case UpstreamDepositRecorded d: inputs.Add((d.DistributorId, e.Sequence, d)); break;
                case PrepaymentThresholdSet t: inputs.Add((t.DistributorId, e.Sequence, t)); break;
            }
        }
        return inputs;
    }
}
