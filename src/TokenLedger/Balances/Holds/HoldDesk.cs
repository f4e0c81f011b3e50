using System.Collections.Concurrent;
using Marten;
using NodaTime;
using Npgsql;
using TokenLedger.Idempotency;
using TokenLedger.Infrastructure;
using TokenLedger.Plans;
using TokenLedger.Pricing.RatingUsage;
using TokenLedger.Receivables;
using TokenLedger.Tenants;

namespace TokenLedger.Balances.Holds;

/// <summary>
/// One decision on a tenant's holds: the session (in its transaction, under the tenant's hold lock), the tenant, its hold
/// position at <paramref name="StreamVersion"/>, the rating catalog's revision read in the same transaction, and the
/// request's key when the decision claimed one.
/// </summary>
public sealed record HoldTurn(IDocumentSession Session, Tenant Tenant, HoldPosition Position, long StreamVersion, long CatalogRevision, KeyedRequest? Key)
{
    internal List<IHoldFact> Appended { get; } = [];
    internal bool KeyKept { get; private set; }

    /// <summary>Appends the decided facts at the version the position was read at.</summary>
    public void Append(params IHoldFact[] facts)
    {
        if (facts.Length == 0) return;
        Session.Events.Append(HoldStreams.For(Tenant.TenantId), StreamVersion + Appended.Count + facts.Length, facts.Cast<object>().ToArray());
        Appended.AddRange(facts);
    }

    /// <summary>Keeps <paramref name="answer"/> for the request's key, in this turn's commit. A key not kept is given up.</summary>
    public void Keep(StoredAnswer answer, Instant now)
    {
        if (Key is null) throw new InvalidOperationException("this turn claimed no key");
        KeysInTransaction.QueueCompletion(Session, Key, answer, now);
        KeyKept = true;
    }
}

/// <summary>
/// Where holds are decided. Every decision on a tenant's holds (placing, voiding, expiring) takes the tenant's hold lock
/// (a transaction-scoped advisory lock), so concurrent requests queue instead of racing, and appends at the stream
/// version it read: one writer at a time, on every instance. A placement is one transaction: the lock, the request's
/// idempotency key and the catalog revision in one round trip, the tenant's state in a second, and one commit with the
/// hold, the kept answer (and any outgoing message). The state is the account funding last stored plus the tail of the
/// holds stream funding has not read yet; the tail's facts are immutable, so the facts this instance read or appended
/// are kept in memory and only the part another instance appended is read.
/// </summary>
public sealed class HoldDesk(IDocumentStore store, IClock clock)
{
    // Requests for one tenant queue here first, in memory, so that a burst waits without holding database connections;
    // the advisory lock then orders the instances. Striped, so the number of semaphores stays fixed.
    private readonly SemaphoreSlim[] _stripes = [.. Enumerable.Range(0, 256).Select(_ => new SemaphoreSlim(1, 1))];
    private readonly ConcurrentDictionary<string, KnownTail> _tails = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _plans = new(StringComparer.Ordinal);

    /// <summary>The holds stream's facts after version <paramref name="From"/> (what funding had read), up to <see cref="To"/>.</summary>
    private sealed record KnownTail(long From, IReadOnlyList<IHoldFact> Facts)
    {
        public long To => From + Facts.Count;
    }

    public Task<T?> DecideAsync<T>(string tenantId, Func<HoldTurn, Task<T>> decide, CancellationToken ct) =>
        DecideAsync(tenantId, null, _ => throw new InvalidOperationException("no key was claimed"), decide, ct);

    /// <summary>
    /// Decides under the tenant's hold lock, claiming <paramref name="key"/> in the same transaction. A key that is not
    /// ours (kept, in progress, or used otherwise) answers <paramref name="notOurs"/> without reading the tenant.
    /// </summary>
    public async Task<T?> DecideAsync<T>(string tenantId, KeyedRequest? key, Func<KeyClaim, T> notOurs, Func<HoldTurn, Task<T>> decide, CancellationToken ct)
    {
        var stripe = _stripes[(uint)StringComparer.Ordinal.GetHashCode(tenantId) % (uint)_stripes.Length];
        await stripe.WaitAsync(ct);
        try
        {
            return await DecideLockedAsync(tenantId, key, notOurs, decide, ct);
        }
        finally
        {
            stripe.Release();
        }
    }

    private async Task<T?> DecideLockedAsync<T>(string tenantId, KeyedRequest? key, Func<KeyClaim, T> notOurs, Func<HoldTurn, Task<T>> decide, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        await session.BeginTransactionAsync(ct);
        var (revision, claim) = await LockAsync(session, tenantId, key, ct);
        if (claim is not null and not KeyClaim.Claimed) return notOurs(claim);
        if (await TurnAsync(session, tenantId, revision, key, ct) is not { } read) return default;
        var (turn, tail) = read;
        var result = await decide(turn);
        if (key is not null && !turn.KeyKept) KeysInTransaction.QueueRelease(session, key);
        await session.SaveChangesAsync(ct);
        _tails[tenantId] = new KnownTail(tail.From, [.. tail.Facts, .. turn.Appended]);
        return result;
    }

    /// <summary>The tenant's hold position as a decision would see it, without taking the lock; null for an unknown tenant.</summary>
    public async Task<HoldTurn?> ReadAsync(string tenantId, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        return (await TurnAsync(session, tenantId, 0, null, ct))?.Turn;
    }

    /// <summary>One round trip: the tenant's hold lock, the rating catalog's revision and the key's claim.</summary>
    private async Task<(long Revision, KeyClaim? Claim)> LockAsync(IDocumentSession session, string tenantId, KeyedRequest? key, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(session.Connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("select pg_advisory_xact_lock(hashtextextended('tokenledger-holds:' || $1, 0))")
        {
            Parameters = { new NpgsqlParameter { Value = tenantId } },
        });
        batch.BatchCommands.Add(new NpgsqlBatchCommand(RatingCatalogRevision.ReadSql(LedgerSchema.Name)));
        if (key is not null) KeysInTransaction.AddClaim(batch, key, clock.GetCurrentInstant());
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.NextResultAsync(ct);
        var revision = await reader.ReadAsync(ct) ? reader.GetInt64(0) : 0;
        await reader.NextResultAsync(ct);
        return (revision, key is null ? null : await KeysInTransaction.ReadClaimAsync(reader, ct));
    }

    private async Task<(HoldTurn Turn, KnownTail Tail)?> TurnAsync(IDocumentSession session, string tenantId, long revision, KeyedRequest? key, CancellationToken ct)
    {
        var batch = session.CreateBatchQuery();
        var tenantTask = batch.Load<Tenant>(TenantStreams.For(tenantId));
        var accountTask = batch.Load<TenantAccount>(tenantId);
        var receivablesTask = batch.Load<ReceivablesAccount>(ReceivableStreams.For(tenantId));
        var stateTask = batch.Events.FetchStreamState(HoldStreams.For(tenantId));
        // The plan the tenant was on last time: a subscription rarely changes, so this is almost always the one needed.
        var planTask = _plans.TryGetValue(tenantId, out var guessed) ? batch.Load<Plan>(PlanStreams.For(guessed)) : null;
        await batch.Execute(ct);
        if (await tenantTask is not { } tenant) return null;
        var account = await accountTask ?? new TenantAccount { Id = tenantId, Currency = tenant.Currency, TimeZone = tenant.TimeZone };
        var version = (await stateTask)?.Version ?? 0;
        var tail = await TailAsync(session, tenantId, account.HoldsVersion, version, ct);
        Plan? plan = null;
        if (account.Subscription is { } s)
        {
            plan = planTask is not null && guessed == s.PlanId ? await planTask : await session.LoadAsync<Plan>(PlanStreams.For(s.PlanId), ct);
            _plans[tenantId] = s.PlanId;
        }
        else _plans.TryRemove(tenantId, out _);
        var position = new HoldPosition(account, tail.Facts, plan, (await receivablesTask)?.Suspended ?? false);
        return (new HoldTurn(session, tenant, position, version, revision, key), tail);
    }

    /// <summary>The facts after <paramref name="read"/> (what funding has read) up to <paramref name="version"/>: from memory when known, else from the stream.</summary>
    private async Task<KnownTail> TailAsync(IDocumentSession session, string tenantId, long read, long version, CancellationToken ct)
    {
        if (version <= read) return new KnownTail(version, []);
        if (_tails.TryGetValue(tenantId, out var known) && known.From <= read && known.To == version)
            return new KnownTail(read, [.. known.Facts.Skip((int)(read - known.From))]);
        var events = await session.Events.FetchStreamAsync(HoldStreams.For(tenantId), fromVersion: read + 1, token: ct);
        return new KnownTail(read, [.. events.Where(e => e.Version <= version).Select(e => e.Data).OfType<IHoldFact>()]);
    }
}
