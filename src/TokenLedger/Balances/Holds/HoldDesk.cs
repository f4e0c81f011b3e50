using Marten;
using Npgsql;
using TokenLedger.Plans;
using TokenLedger.Receivables;
using TokenLedger.Tenants;

namespace TokenLedger.Balances.Holds;

/// <summary>One decision on a tenant's holds: the session (in its transaction, under the tenant's hold lock), the tenant and its hold position.</summary>
public sealed record HoldTurn(IDocumentSession Session, Tenant Tenant, HoldPosition Position, long StreamVersion)
{
    /// <summary>Appends the decided facts at the version the position was read at.</summary>
    public void Append(params IHoldFact[] facts)
    {
        if (facts.Length > 0) Session.Events.Append(HoldStreams.For(Tenant.TenantId), StreamVersion + facts.Length, facts.Cast<object>().ToArray());
    }
}

/// <summary>
/// Where holds are decided. Every decision on a tenant's holds (placing, voiding, expiring) takes the tenant's hold lock
/// (a transaction-scoped advisory lock), so concurrent requests queue instead of racing, and appends at the stream
/// version it read: one writer at a time, on every instance. Reads the account funding last stored and the tail of the
/// holds stream funding has not read yet.
/// </summary>
public sealed class HoldDesk(IDocumentStore store)
{
    // Requests for one tenant queue here first, in memory, so that a burst waits without holding database connections;
    // the advisory lock then orders the instances. Striped, so the number of semaphores stays fixed.
    private readonly SemaphoreSlim[] _stripes = [.. Enumerable.Range(0, 256).Select(_ => new SemaphoreSlim(1, 1))];

    public async Task<T?> DecideAsync<T>(string tenantId, Func<HoldTurn, Task<T>> decide, CancellationToken ct)
    {
        var stripe = _stripes[(uint)StringComparer.Ordinal.GetHashCode(tenantId) % (uint)_stripes.Length];
        await stripe.WaitAsync(ct);
        try
        {
            return await DecideLockedAsync(tenantId, decide, ct);
        }
        finally
        {
            stripe.Release();
        }
    }

    private async Task<T?> DecideLockedAsync<T>(string tenantId, Func<HoldTurn, Task<T>> decide, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        await session.BeginTransactionAsync(ct);
        await using (var command = new NpgsqlCommand("select pg_advisory_xact_lock(hashtextextended('tokenledger-holds:' || @tenant, 0))", session.Connection))
        {
            command.Parameters.AddWithValue("tenant", tenantId);
            await command.ExecuteNonQueryAsync(ct);
        }
        if (await TurnAsync(session, tenantId, ct) is not { } turn) return default;
        var result = await decide(turn);
        await session.SaveChangesAsync(ct);
        return result;
    }

    /// <summary>The tenant's hold position as a decision would see it, without taking the lock; null for an unknown tenant.</summary>
    public async Task<HoldTurn?> ReadAsync(string tenantId, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        return await TurnAsync(session, tenantId, ct);
    }

    private static async Task<HoldTurn?> TurnAsync(IDocumentSession session, string tenantId, CancellationToken ct)
    {
        var batch = session.CreateBatchQuery();
        var tenantTask = batch.Load<Tenant>(TenantStreams.For(tenantId));
        var accountTask = batch.Load<TenantAccount>(tenantId);
        var receivablesTask = batch.Load<ReceivablesAccount>(ReceivableStreams.For(tenantId));
        var stateTask = batch.Events.FetchStreamState(HoldStreams.For(tenantId));
        var plansTask = batch.Query<Plan>().ToList();
        await batch.Execute(ct);
        if (await tenantTask is not { } tenant) return null;
        var account = await accountTask ?? new TenantAccount { Id = tenantId, Currency = tenant.Currency, TimeZone = tenant.TimeZone };
        var version = (await stateTask)?.Version ?? 0;
        var tail = version > account.HoldsVersion
            ? (await session.Events.FetchStreamAsync(HoldStreams.For(tenantId), fromVersion: account.HoldsVersion + 1, token: ct)).Select(e => e.Data).OfType<IHoldFact>().ToList()
            : [];
        var plan = account.Subscription is { } s ? (await plansTask).FirstOrDefault(p => p.PlanId == s.PlanId) : null;
        var position = new HoldPosition(account, tail, plan, (await receivablesTask)?.Suspended ?? false);
        return new HoldTurn(session, tenant, position, version);
    }
}
