using Npgsql;
using TokenLedger.Infrastructure;

namespace TokenLedger.Usage.Facts;

/// <summary>Unrated sides of one reason; with a tenant filter, also of one tenant and model, with when they occurred.</summary>
public sealed record UnratedUsageGroup(string Side, string Reason, string? TenantId, string? Model, long Events, DateTimeOffset? FirstOccurredAt, DateTimeOffset? LastOccurredAt);

/// <summary>Which unrated sides a change can affect: a tenant's, a payer's, those of the tenants and payers using a price book, or all.</summary>
public sealed class UnratedScope
{
    private const string RetailUnrated = "f.retail_status = 'unrated'";
    private const string WholesaleUnrated = "f.wholesale_status = 'unrated'";

    private readonly string _sql;
    private readonly string[] _tenants;
    private readonly string[] _payers;

    private UnratedScope(string sql, string[] tenants, string[] payers, bool isEmpty) => (_sql, _tenants, _payers, IsEmpty) = (sql, tenants, payers, isEmpty);

    /// <summary>Nothing can be affected: the price book is used by no tenant and no distributor.</summary>
    public bool IsEmpty { get; }

    public static UnratedScope Everything { get; } = new($"{RetailUnrated} or {WholesaleUnrated}", [], [], false);

    /// <summary>
    /// The retail side of a tenant's usage: what a change of the tenant (its retail book) can rate. Its wholesale side is
    /// rated from the payer's book and chain, which a tenant change does not touch; reading it here re-rated every event
    /// whose wholesale side stays unrated (no house book) on every tenant PUT.
    /// </summary>
    public static UnratedScope OfTenant(string tenantId) =>
        new($"f.tenant_id = any(@tenants) and {RetailUnrated}", [tenantId], [], false);

    public static UnratedScope OfPayer(string distributorId) => new($"f.payer = any(@payers) and {WholesaleUnrated}", [], [distributorId], false);

    /// <summary>The retail side of <paramref name="tenants"/>' usage and the wholesale side of <paramref name="payers"/>'.</summary>
    public static UnratedScope OfPriceBookUsers(string[] tenants, string[] payers) =>
        new($"(f.tenant_id = any(@tenants) and {RetailUnrated}) or (f.payer = any(@payers) and {WholesaleUnrated})",
            tenants, payers, tenants.Length == 0 && payers.Length == 0);

    internal string Sql => _sql;

    internal void AddParameters(NpgsqlCommand command)
    {
        command.Parameters.AddWithValue("tenants", _tenants);
        command.Parameters.AddWithValue("payers", _payers);
    }
}

/// <summary>What late rating and the operator's unrated view read of <c>usage_facts</c>.</summary>
public static class UsageFactsForLateRating
{
    /// <summary>The next <paramref name="limit"/> usage events after <paramref name="after"/> with an unrated side in scope, in event id order.</summary>
    public static async Task<List<UsageRecord>> UnratedPageAsync(NpgsqlConnection connection, UnratedScope scope, string after, int limit, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"select {UsageFactRows.Columns} " +
            $"from {LedgerSchema.Name}.{UsageFactsProjection.TableName} f " +
            $"where ({scope.Sql}) and f.event_id > @after order by f.event_id limit @limit",
            connection);
        scope.AddParameters(command);
        command.Parameters.AddWithValue("after", after);
        command.Parameters.AddWithValue("limit", limit);
        var page = new List<UsageRecord>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) page.Add(UsageFactRows.Read(reader));
        return page;
    }

    /// <summary>
    /// One page of unrated groups (by side and reason; with <paramref name="tenantId"/>, that tenant's by side, reason and
    /// model), most events first, with the totals over all groups.
    /// </summary>
    public static async Task<(IReadOnlyList<UnratedUsageGroup> Groups, long TotalGroups, long TotalEvents)> UnratedGroupsAsync(
        NpgsqlDataSource db, string? tenantId, int page, int pageSize, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            $"with g as ({(tenantId is null ? ByReason : ByTenantAndModel)}) " +
            "select *, count(*) over (), sum(events) over () from g order by events desc, side, reason, tenant_id, model limit @limit offset @offset");
        command.Parameters.AddWithValue("limit", pageSize);
        command.Parameters.AddWithValue("offset", (long)(page - 1) * pageSize);
        if (tenantId is not null) command.Parameters.AddWithValue("tenant", tenantId);

        var groups = new List<UnratedUsageGroup>();
        long totalGroups = 0, totalEvents = 0;
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
            {
                groups.Add(new UnratedUsageGroup(reader.GetString(0), reader.IsDBNull(1) ? "" : reader.GetString(1),
                    reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetInt64(4),
                    reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5), reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6)));
                (totalGroups, totalEvents) = (reader.GetInt64(7), reader.GetInt64(8));
            }
        if (groups.Count == 0 && page > 1) (totalGroups, totalEvents) = await TotalsAsync(db, tenantId, ct);
        return (groups, totalGroups, totalEvents);
    }

    private static async Task<(long Groups, long Events)> TotalsAsync(NpgsqlDataSource db, string? tenantId, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"select count(*), coalesce(sum(events), 0)::bigint from ({(tenantId is null ? ByReason : ByTenantAndModel)}) g");
        if (tenantId is not null) command.Parameters.AddWithValue("tenant", tenantId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>Reads only the partial indexes on each side's reason (index-only scans), not the usage itself.</summary>
    private static string ByReason => string.Join(" union all ", new[] { "retail", "wholesale" }.Select(side =>
        $"select '{side}' as side, {side}_reason as reason, null::text as tenant_id, null::text as model, count(*) as events, " +
        "null::timestamptz as first_at, null::timestamptz as last_at " +
        $"from {LedgerSchema.Name}.{UsageFactsProjection.TableName} where {side}_status = 'unrated' group by 2"));

    /// <summary>One tenant's usage (its index on usage_facts), joined to its charges.</summary>
    private static string ByTenantAndModel => string.Join(" union all ", new[] { "retail", "wholesale" }.Select(side =>
        $"select '{side}' as side, f.{side}_reason as reason, f.tenant_id, f.model, count(*) as events, min(f.occurred_at) as first_at, max(f.occurred_at) as last_at " +
        $"from {LedgerSchema.Name}.{UsageFactsProjection.TableName} f " +
        $"where f.tenant_id = @tenant and f.{side}_status = 'unrated' group by 2, 3, 4"));
}
