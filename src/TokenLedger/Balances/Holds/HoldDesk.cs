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

    /// <summary>Appends the decided facts at the version the position was read at.</summary>
    public void Append(params IHoldFact[] facts)
    {
        if (facts.Length == 0) return;
        Session.Events.Append(HoldStreams.For(Tenant.TenantId), StreamVersion + Appended.Count + facts.Length, facts.Cast<object>().ToArray());
        Appended.AddRange(facts);
    }

    /// <summary>Keeps <paramref name="answer"/> for the request's key, in this turn's commit. A key not kept stays free.</summary>
    public void Keep(StoredAnswer answer, Instant now)
    {
        if (Key is null) throw new InvalidOperationException("this turn claimed no key");
        KeysInTransaction.QueueKept(Session, Key, answer, now);
    }
}

/// <summary>
/// Where holds are decided. Every decision on a tenant's holds (placing, voiding, expiring) takes the tenant's hold lock
/// (a transaction-scoped advisory lock), so concurrent requests queue instead of racing, and appends at the stream
/// version it read: one writer at a time, on every instance. A placement is one transaction: the lock, the read of the
/// request's idempotency key, the catalog revision and the tenant's state in one round trip, then the hold with the key
/// and its answer (one insert, <see cref="KeysInTransaction"/>) and any outgoing message, and one commit. The state is
/// the account funding last stored plus the tail of the holds stream funding has not read yet; the tail's facts are
/// immutable, so the facts this instance read or appended are kept in memory and only the part another instance
/// appended is read.
/// </summary>
public sealed class HoldDesk(IDocumentStore store, IClock clock)
{
    // Requests for one tenant queue here first, in memory, so that a burst waits without holding database connections;
    // the advisory lock then orders the instances. Striped, so the number of semaphores stays fixed.
    private readonly SemaphoreSlim[] _stripes = [.. Enumerable.Range(0, 256).Select(_ => new SemaphoreSlim(1, 1))];
    private readonly ConcurrentDictionary<string, KnownTail> _tails = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _plans = new(StringComparer.Ordinal);
    private readonly Lazy<StateTables> _tables = new(() => StateTables.Of(store));

    /// <summary>The selects of the state a decision reads, by id, from the tables Marten keeps the documents and streams in.</summary>
    private sealed record StateTables(string Tenant, string Account, string Receivables, string Plan, string StreamVersion)
    {
        public static StateTables Of(IDocumentStore store)
        {
            string Data<TDoc>() => $"select data from {store.Options.FindOrResolveDocumentType(typeof(TDoc)).TableName.QualifiedName} where id = $1";
            return new StateTables(Data<Tenant>(), Data<TenantAccount>(), Data<ReceivablesAccount>(), Data<Plan>(),
                $"select version from {store.Options.Events.DatabaseSchemaName}.mt_streams where id = $1");
        }
    }

    /// <summary>The holds stream's facts after version <paramref name="From"/> (what funding had read), up to <see cref="To"/>.</summary>
    private sealed record KnownTail(long From, IReadOnlyList<IHoldFact> Facts)
    {
        public long To => From + Facts.Count;
    }

    public Task<T?> DecideAsync<T>(string tenantId, Func<HoldTurn, Task<T>> decide, CancellationToken ct) =>
        DecideAsync(tenantId, null, _ => throw new InvalidOperationException("no key was claimed"), decide, ct);

    /// <summary>
    /// Decides under the tenant's hold lock, claiming <paramref name="key"/> in the same transaction. A key that is not
    /// ours (kept, in progress, or used otherwise) answers <paramref name="notOurs"/> without reading the tenant. When a
    /// request of another kind claimed the key between the read and the commit, the transaction rolls back and the
    /// decision is made once more, now seeing that claim.
    /// </summary>
    public async Task<T?> DecideAsync<T>(string tenantId, KeyedRequest? key, Func<KeyClaim, T> notOurs, Func<HoldTurn, Task<T>> decide, CancellationToken ct)
    {
        var stripe = _stripes[(uint)StringComparer.Ordinal.GetHashCode(tenantId) % (uint)_stripes.Length];
        await stripe.WaitAsync(ct);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return await DecideLockedAsync(tenantId, key, notOurs, decide, ct);
                }
                catch (Exception e) when (key is not null && attempt == 1 && KeysInTransaction.IsTakenKey(e))
                {
                    // The session (its transaction and lock) is gone: decide again.
                }
            }
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
        var read = await ReadStateAsync(session, tenantId, locking: true, key, ct);
        if (read.Claim is KeyClaim.Stale && !await KeysInTransaction.TakeOverAsync(session, key!, clock.GetCurrentInstant(), ct))
            return notOurs(new KeyClaim.InProgress());
        if (read.Claim is not null and not KeyClaim.Claimed and not KeyClaim.Stale) return notOurs(read.Claim);
        if (await TurnAsync(session, tenantId, read, key, ct) is not { } turned) return default;
        var (turn, tail) = turned;
        var result = await decide(turn);
        await session.SaveChangesAsync(ct);
        _tails[tenantId] = new KnownTail(tail.From, [.. tail.Facts, .. turn.Appended]);
        return result;
    }

    /// <summary>The tenant's hold position as a decision would see it, without taking the lock; null for an unknown tenant.</summary>
    public async Task<HoldTurn?> ReadAsync(string tenantId, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        await session.BeginTransactionAsync(ct);
        return (await TurnAsync(session, tenantId, await ReadStateAsync(session, tenantId, locking: false, null, ct), null, ct))?.Turn;
    }

    /// <summary>What one round trip read: the catalog revision, the key's row, and the tenant's documents and holds stream version.</summary>
    private sealed record StateRead(
        long Revision, KeyClaim? Claim, Tenant? Tenant, TenantAccount? Account, ReceivablesAccount? Receivables, long StreamVersion, string? GuessedPlanId, Plan? GuessedPlan);

    /// <summary>
    /// One round trip: the tenant's hold lock (when <paramref name="locking"/>), the rating catalog's revision, the key's
    /// row, then the tenant, the account funding stored, the receivables account, the holds stream's version and the plan
    /// the tenant was on last time. PostgreSQL runs a batch's statements in order, so every read after the lock sees what
    /// the previous holder committed.
    /// </summary>
    private async Task<StateRead> ReadStateAsync(IDocumentSession session, string tenantId, bool locking, KeyedRequest? key, CancellationToken ct)
    {
        var tables = _tables.Value;
        await using var batch = new NpgsqlBatch(session.Connection);
        if (locking)
            batch.BatchCommands.Add(new NpgsqlBatchCommand("select pg_advisory_xact_lock(hashtextextended('tokenledger-holds:' || $1, 0))")
            {
                Parameters = { new NpgsqlParameter { Value = tenantId } },
            });
        batch.BatchCommands.Add(new NpgsqlBatchCommand(RatingCatalogRevision.ReadSql(LedgerSchema.Name)));
        if (key is not null) KeysInTransaction.AddRead(batch, key, clock.GetCurrentInstant());
        AddSelect(batch, tables.Tenant, TenantStreams.For(tenantId));
        AddSelect(batch, tables.Account, tenantId);
        AddSelect(batch, tables.Receivables, ReceivableStreams.For(tenantId));
        AddSelect(batch, tables.StreamVersion, HoldStreams.For(tenantId));
        // The plan the tenant was on last time: a subscription rarely changes, so this is almost always the one needed.
        var guessed = _plans.TryGetValue(tenantId, out var g) ? g : null;
        if (guessed is not null) AddSelect(batch, tables.Plan, PlanStreams.For(guessed));

        await using var reader = await batch.ExecuteReaderAsync(ct);
        if (locking) await reader.NextResultAsync(ct);
        var revision = await reader.ReadAsync(ct) ? reader.GetInt64(0) : 0;
        await reader.NextResultAsync(ct);
        var claim = key is null ? null : await KeysInTransaction.ReadClaimAsync(reader, ct);
        var tenant = await DocumentAsync<Tenant>(reader, ct);
        var account = await DocumentAsync<TenantAccount>(reader, ct);
        var receivables = await DocumentAsync<ReceivablesAccount>(reader, ct);
        var version = await reader.ReadAsync(ct) ? Convert.ToInt64(reader.GetValue(0)) : 0;
        await reader.NextResultAsync(ct);
        var plan = guessed is null ? null : await DocumentAsync<Plan>(reader, ct);
        return new StateRead(revision, claim, tenant, account, receivables, version, guessed, plan);
    }

    private static void AddSelect(NpgsqlBatch batch, string sql, string id) =>
        batch.BatchCommands.Add(new NpgsqlBatchCommand(sql) { Parameters = { new NpgsqlParameter { Value = id } } });

    /// <summary>Reads the current result's document, if any, with Marten's serializer, and moves to the next result.</summary>
    private async Task<TDoc?> DocumentAsync<TDoc>(NpgsqlDataReader reader, CancellationToken ct) where TDoc : class
    {
        var document = await reader.ReadAsync(ct) ? store.Options.Serializer().FromJson<TDoc>(reader, 0) : null;
        await reader.NextResultAsync(ct);
        return document;
    }

    private async Task<(HoldTurn Turn, KnownTail Tail)?> TurnAsync(IDocumentSession session, string tenantId, StateRead read, KeyedRequest? key, CancellationToken ct)
    {
        if (read.Tenant is not { } tenant) return null;
        var account = read.Account ?? new TenantAccount { Id = tenantId, Currency = tenant.Currency, TimeZone = tenant.TimeZone };
        var tail = await TailAsync(session, tenantId, account.HoldsVersion, read.StreamVersion, ct);
        Plan? plan = null;
        if (account.Subscription is { } s)
        {
            plan = read.GuessedPlanId == s.PlanId ? read.GuessedPlan : await session.LoadAsync<Plan>(PlanStreams.For(s.PlanId), ct);
            _plans[tenantId] = s.PlanId;
        }
        else _plans.TryRemove(tenantId, out _);
        var position = new HoldPosition(account, tail.Facts, plan, read.Receivables?.Suspended ?? false);
        return (new HoldTurn(session, tenant, position, read.StreamVersion, read.Revision, key), tail);
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
