using Npgsql;
using NodaTime;
using TokenLedger.Infrastructure;
using TokenLedger.Pricing.RatingUsage;

namespace TokenLedger.Usage.Facts;

/// <summary>A wholesale rating a distributor's prepayment was drawn down for: the rating event and the provider its usage was reported with ("" for none).</summary>
public sealed record DrawnRating(Guid RatedBy, string UsageProvider);

/// <summary>Wholesale cost of usage of one tenant, on one invoice (or none yet), that occurred <paramref name="AgeDays"/> whole days before the as-of instant.</summary>
public sealed record DrawnUsageCost(string TenantId, string? InvoiceId, long AgeDays, decimal Cost);

/// <summary>What the exposure report reads of <c>usage_facts</c> and <c>invoiced_usage</c>: the usage behind a distributor's drawdowns.</summary>
public static class UsageFactsForExposure
{
    private static readonly string Sql =
        "select f.tenant_id, i.invoice_id, floor(extract(epoch from (@asOf - f.occurred_at)) / 86400)::bigint as age, sum(f.wholesale_amount) " +
        "from unnest(@ratedBy, @providers) as w(rated_by, usage_provider) " +
        $"join {LedgerSchema.Name}.{UsageFactsProjection.TableName} f on f.{UsageCharges.WholesaleRatedBy} = w.rated_by and f.payer = @distributor and coalesce(f.provider, '') = w.usage_provider " +
        $"left join {LedgerSchema.Name}.{InvoicedUsage.TableName} i on i.event_id = f.event_id " +
        "group by 1, 2, 3";

    /// <summary>The wholesale cost of the usage <paramref name="distributorId"/> pays for that <paramref name="drawn"/> rated, by tenant, invoice and age at <paramref name="asOf"/>.</summary>
    public static async Task<List<DrawnUsageCost>> DrawnUsageAsync(
        NpgsqlDataSource db, string distributorId, Instant asOf, IReadOnlyList<DrawnRating> drawn, CancellationToken ct)
    {
        await using var command = db.CreateCommand(Sql);
        command.Parameters.AddWithValue("distributor", distributorId);
        command.Parameters.AddWithValue("asOf", asOf.ToDateTimeOffset());
        command.Parameters.AddWithValue("ratedBy", drawn.Select(d => d.RatedBy).ToArray());
        command.Parameters.AddWithValue("providers", drawn.Select(d => d.UsageProvider).ToArray());
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<DrawnUsageCost>();
        while (await reader.ReadAsync(ct))
            rows.Add(new DrawnUsageCost(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetInt64(2), reader.GetDecimal(3)));
        return rows;
    }
}
