using NodaTime;
using Npgsql;
using TokenLedger.Infrastructure;

namespace TokenLedger.Tenants;

/// <summary>A tenant's billing currency and time zone, as its document holds them now.</summary>
public sealed record TenantCurrencyAndZone(string TenantId, string Currency, DateTimeZone Zone);

/// <summary>Reads of many tenant documents (<c>mt_doc_tenant</c>) at once, for the finance reports; the one place that reads their stored JSON.</summary>
public static class TenantDocuments
{
    /// <summary>The currency and zone of each of <paramref name="tenantIds"/> that is registered.</summary>
    public static async Task<List<TenantCurrencyAndZone>> CurrencyAndZoneAsync(NpgsqlDataSource db, string[] tenantIds, CancellationToken ct)
    {
        // Many ids: one sequential read of the tenant documents is cheaper than as many key lookups.
        var many = tenantIds.Length > 500;
        await using var command = db.CreateCommand(
            $"select data->>'tenantId', data->>'currency', data->>'timeZone' from {LedgerSchema.Name}.mt_doc_tenant" + (many ? "" : " where id = any(@ids)"));
        if (!many) command.Parameters.AddWithValue("ids", tenantIds.Select(TenantStreams.For).ToArray());
        var wanted = tenantIds.ToHashSet(StringComparer.Ordinal);
        var tenants = new List<TenantCurrencyAndZone>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var id = reader.GetString(0);
            if (wanted.Contains(id)) tenants.Add(new TenantCurrencyAndZone(id, reader.GetString(1), DateTimeZoneProviders.Tzdb[reader.GetString(2)]));
        }
        return tenants;
    }
}
