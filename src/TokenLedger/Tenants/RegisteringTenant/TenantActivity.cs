using Marten;
using Npgsql;
using TokenLedger.Balances;
using TokenLedger.Infrastructure;
using TokenLedger.Invoicing;
using TokenLedger.Usage.Facts;
using TokenLedger.Usage.GettingUsage;

namespace TokenLedger.Tenants.RegisteringTenant;

/// <summary>
/// Whether a tenant has anything recorded in its currency or periods: an account fact, usage or an invoice. Once it
/// has, its currency and billing zone are fixed: changing either would relabel balances and move period boundaries.
/// </summary>
public static class TenantActivity
{
    public static async Task<string?> FirstAsync(IQuerySession session, NpgsqlDataSource db, string tenantId, CancellationToken ct)
    {
        if (await session.Events.FetchStreamStateAsync(AccountStreams.For(tenantId), ct) is { Version: > 0 }) return "balance activity";
        if (await UsageFactRows.TenantHasUsageAsync(db, tenantId, ct)) return "usage";
        if (await session.Query<Invoice>().AnyAsync(i => i.TenantId == tenantId, ct)) return "an invoice";
        return null;
    }
}
