using Marten;
using Npgsql;
using TokenLedger.Idempotency;
using TokenLedger.Infrastructure;
using TokenLedger.Pricing.RatingUsage;

namespace TokenLedger.Balances.Holds;

/// <summary>
/// Group commit of placements: the placements waiting on this instance are decided together, at most one per tenant
/// and per key in a group. One transaction takes the hold locks of all the group's tenants (in tenant order, so two
/// groups on two instances never wait on each other in a circle), reads the catalog revision, every key's claim and
/// every tenant's state in one round trip, decides each placement in memory in arrival order, and commits the holds,
/// the kept answers and the refusals' messages at once. Each placement is still decided against its stream's version
/// and its own key; only the round trips and the commit are shared. Up to <see cref="Committers"/> groups are in flight
/// at a time, on distinct tenants; an idle desk decides a lone placement at once, without waiting to fill a group.
/// </summary>
public sealed partial class HoldDesk
{
    private const int Committers = 2;
    private readonly object _gate = new();
    private readonly List<Placement> _waiting = [];
    private readonly HashSet<string> _tenantsInFlight = new(StringComparer.Ordinal);
    private readonly HashSet<(string, string)> _keysInFlight = [];
    private int _committers;

    private sealed class Placement(string tenantId, KeyedRequest key, Func<KeyClaim, object?> notOurs, Func<HoldTurn, Task<object?>> decide)
    {
        public string TenantId => tenantId;
        public KeyedRequest Key => key;
        public (string, string) KeyId => (key.Scope, key.Key);
        public Func<KeyClaim, object?> NotOurs => notOurs;
        public Func<HoldTurn, Task<object?>> Decide => decide;
        public TaskCompletionSource<object?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>
    /// Places a hold: like <see cref="DecideAsync{T}(string, KeyedRequest?, Func{KeyClaim, T}, Func{HoldTurn, Task{T}}, CancellationToken)"/>,
    /// but committed with the other placements waiting on this instance (<see cref="HoldOptions.PlacementGroup"/>; 1
    /// decides each placement in its own transaction).
    /// </summary>
    public async Task<T?> PlaceAsync<T>(string tenantId, KeyedRequest key, Func<KeyClaim, T> notOurs, Func<HoldTurn, Task<T>> decide, CancellationToken ct)
        where T : class
    {
        if (PlacementGroup <= 1) return await DecideAsync(tenantId, key, notOurs, decide, ct);
        var placement = new Placement(tenantId, key, claim => notOurs(claim), async turn => await decide(turn));
        lock (_gate)
        {
            _waiting.Add(placement);
            if (_committers < Committers)
            {
                _committers++;
                _ = Task.Run(CommitWaitingAsync, CancellationToken.None);
            }
        }
        return (T?)await placement.Done.Task.WaitAsync(ct);
    }

    private async Task CommitWaitingAsync()
    {
        while (true)
        {
            List<Placement> group;
            lock (_gate)
            {
                group = TakeGroup();
                if (group.Count == 0)
                {
                    _committers--;
                    return;
                }
            }
            try
            {
                await CommitGroupAsync(group);
            }
            catch (Exception e)
            {
                foreach (var p in group) p.Done.TrySetException(e);
            }
            finally
            {
                lock (_gate)
                {
                    foreach (var p in group)
                    {
                        _tenantsInFlight.Remove(p.TenantId);
                        _keysInFlight.Remove(p.KeyId);
                    }
                }
            }
        }
    }

    /// <summary>The next group, in arrival order: a tenant or key already in flight, or already in the group, waits for a later one (under <see cref="_gate"/>).</summary>
    private List<Placement> TakeGroup()
    {
        var group = new List<Placement>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < _waiting.Count && group.Count < PlacementGroup;)
        {
            var p = _waiting[i];
            // A tenant passed over once is passed over for the rest of the group, so its placements keep their order.
            if (!seen.Add(p.TenantId) || _tenantsInFlight.Contains(p.TenantId) || !_keysInFlight.Add(p.KeyId))
            {
                i++;
                continue;
            }
            _tenantsInFlight.Add(p.TenantId);
            group.Add(p);
            _waiting.RemoveAt(i);
        }
        return group;
    }

    private async Task CommitGroupAsync(List<Placement> group)
    {
        var ct = CancellationToken.None;
        await using var session = OpenSession();
        await session.BeginTransactionAsync(ct);
        var reads = await ReadGroupStateAsync(session, group, ct);
        var answers = new object?[group.Count];
        var failed = new bool[group.Count];
        var turns = new List<(string TenantId, KnownTail Tail, HoldTurn Turn)>();
        for (var i = 0; i < group.Count; i++)
        {
            var (p, read) = (group[i], reads[i]);
            if (read.Claim is not null and not KeyClaim.Claimed)
            {
                answers[i] = p.NotOurs(read.Claim);
                continue;
            }
            if (await TurnAsync(session, p.TenantId, read, p.Key, ct) is not { } turned)
            {
                KeysInTransaction.QueueRelease(session, p.Key);
                continue;
            }
            var (turn, tail) = turned;
            try
            {
                answers[i] = await p.Decide(turn);
            }
            catch (Exception e) when (turn.Appended.Count == 0 && !turn.KeyKept)
            {
                // Nothing of this placement is queued in the session: it alone fails, the group commits.
                KeysInTransaction.QueueRelease(session, p.Key);
                failed[i] = true;
                p.Done.TrySetException(e);
                continue;
            }
            if (!turn.KeyKept) KeysInTransaction.QueueRelease(session, p.Key);
            turns.Add((p.TenantId, tail, turn));
        }
        await session.SaveChangesAsync(ct);
        foreach (var (tenantId, tail, turn) in turns) _tails[tenantId] = new KnownTail(tail.From, [.. tail.Facts, .. turn.Appended]);
        for (var i = 0; i < group.Count; i++)
            if (!failed[i]) group[i].Done.TrySetResult(answers[i]);
    }

    /// <summary>
    /// One round trip for the whole group: every tenant's hold lock in tenant order, the catalog revision, then each
    /// placement's key claim and tenant state (<see cref="AddStateReads"/>), in the group's order.
    /// </summary>
    private async Task<List<StateRead>> ReadGroupStateAsync(IDocumentSession session, List<Placement> group, CancellationToken ct)
    {
        var now = Now;
        await using var batch = new NpgsqlBatch(session.Connection);
        var locked = group.Select(p => p.TenantId).Order(StringComparer.Ordinal).ToList();
        foreach (var tenantId in locked) AddLock(batch, tenantId);
        batch.BatchCommands.Add(new NpgsqlBatchCommand(RatingCatalogRevision.ReadSql(LedgerSchema.Name)));
        var guesses = group.Select(p => AddStateReads(batch, p.TenantId, p.Key, now)).ToList();

        await using var reader = await batch.ExecuteReaderAsync(ct);
        foreach (var _ in locked) await reader.NextResultAsync(ct);
        var revision = await reader.ReadAsync(ct) ? reader.GetInt64(0) : 0;
        await reader.NextResultAsync(ct);
        var reads = new List<StateRead>(group.Count);
        for (var i = 0; i < group.Count; i++) reads.Add(await ReadStateResultsAsync(reader, revision, group[i].Key, guesses[i], ct));
        return reads;
    }
}
