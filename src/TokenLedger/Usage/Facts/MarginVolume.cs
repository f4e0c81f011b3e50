using Marten;
using NodaTime;
using Npgsql;
using TokenLedger.Distributors;
using TokenLedger.Distributors.GettingMargins;
using TokenLedger.Infrastructure;
using TokenLedger.Invoicing;
using TokenLedger.Pricing;
using TokenLedger.Pricing.PriceBooks;
using TokenLedger.Tenants;
using TokenLedger.Usage.GettingUsage;

namespace TokenLedger.Usage.Facts;

/// <summary>The volume discounts of one margin group: off the revenue (tenants' retail schedules) and off the cost (the distributor's wholesale schedule).</summary>
public sealed record GroupVolumeDiscount(decimal Revenue, decimal Cost);

/// <summary>
/// Volume discounts in a margin report, per group. Cost: the distributor's wholesale schedules settled over the report's
/// month in the report's zone (what it paid for, <c>payer</c>). Revenue: each of its tenants' retail schedules settled over
/// the tenant's own billing periods (zone and cadence, as the invoice does) that overlap the month; of those, the
/// discounts of the distributor's usage that occurred in the month. Each discounted event is put in its group.
/// </summary>
public static class MarginVolume
{
    public static async Task<IReadOnlyDictionary<string, GroupVolumeDiscount>> ReadAsync(
        NpgsqlDataSource db, IQuerySession session, string distributorId, Interval month, string grouping, DateTimeZone zone, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var schema = LedgerSchema.Name;
        var cost = await VolumeDiscounts.SettleAsync(connection, schema, session, VolumeScope.Payer(distributorId, month), ct);
        var revenue = new List<VolumeTierDiscount>();
        var (tenantIds, books) = await TenantsAsync(connection, distributorId, month, ct);
        // Most books have no schedule: then no tenant needs settling.
        var scheduled = (await session.LoadManyAsync<PriceBook>(ct, books.Select(PriceBookStreams.For))).Any(b => b.Versions.Any(v => v.VolumeSchedules is { Count: > 0 }));
        IReadOnlyList<Tenant> tenants = scheduled ? await session.LoadManyAsync<Tenant>(ct, tenantIds.Select(TenantStreams.For)) : [];
        var terms = scheduled ? (await session.LoadManyAsync<InvoiceTerms>(ct, tenantIds)).ToDictionary(t => t.Id, StringComparer.Ordinal) : new Dictionary<string, InvoiceTerms>();
        foreach (var tenant in tenants)
        {
            var tenantId = tenant.TenantId;
            var cadence = terms.GetValueOrDefault(tenantId)?.Cadence ?? Cadences.Monthly;
            for (var period = PeriodSpan.Containing(month.Start.InZone(tenant.Zone).Date, cadence); period.In(tenant.Zone).Start < month.End; period = Next(period))
                revenue.AddRange(await VolumeDiscounts.SettleAsync(connection, schema, session, VolumeScope.Tenant(tenantId, period.In(tenant.Zone)), ct));
        }
        var costByEvent = Sum(cost);
        var revenueByEvent = Sum(revenue);
        if (costByEvent.Count == 0 && revenueByEvent.Count == 0) return new Dictionary<string, GroupVolumeDiscount>();

        var groups = await GroupsAsync(connection, distributorId, month, grouping, zone, [.. costByEvent.Keys.Union(revenueByEvent.Keys)], ct);
        return groups.GroupBy(g => g.Group, StringComparer.Ordinal).ToDictionary(g => g.Key, g => new GroupVolumeDiscount(
            g.Sum(e => revenueByEvent.GetValueOrDefault(e.EventId)), g.Sum(e => costByEvent.GetValueOrDefault(e.EventId))), StringComparer.Ordinal);
    }

    private static PeriodSpan Next(PeriodSpan period) => PeriodSpan.Containing(period.End, period.Cadence);

    private static Dictionary<string, decimal> Sum(IEnumerable<VolumeTierDiscount> tiers) =>
        tiers.SelectMany(t => t.Events).GroupBy(e => e.EventId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(e => e.Discount), StringComparer.Ordinal);

    /// <summary>The tenants with the distributor's retail-rated usage in the month, and the retail books that rated it.</summary>
    private static async Task<(List<string> Tenants, List<string> Books)> TenantsAsync(NpgsqlConnection connection, string distributorId, Interval month, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"select distinct f.tenant_id, f.retail_price_book from {LedgerSchema.Name}.{UsageFactsProjection.TableName} f " +
            $"where coalesce(f.distributor_id, '{Distributor.House}') = @d and f.occurred_at >= @start and f.occurred_at < @end and f.retail_status = 'rated'", connection);
        Bind(command, distributorId, month);
        var (tenants, books) = (new SortedSet<string>(StringComparer.Ordinal), new SortedSet<string>(StringComparer.Ordinal));
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            tenants.Add(reader.GetString(0));
            books.Add(reader.GetString(1));
        }
        return ([.. tenants], [.. books]);
    }

    /// <summary>The report group of each discounted event that is the distributor's and occurred in the month (both sides rated, as the report counts).</summary>
    private static async Task<List<(string EventId, string Group)>> GroupsAsync(
        NpgsqlConnection connection, string distributorId, Interval month, string grouping, DateTimeZone zone, string[] eventIds, CancellationToken ct)
    {
        var group = grouping switch
        {
            "tenant" => "f.tenant_id",
            "day" => "to_char(f.occurred_at at time zone @zone, 'YYYY-MM-DD')",
            _ => "f.model",
        };
        await using var command = new NpgsqlCommand(
            $"select f.event_id, {group} from {LedgerSchema.Name}.{UsageFactsProjection.TableName} f " +
            $"where f.event_id = any(@ids) and coalesce(f.distributor_id, '{Distributor.House}') = @d and f.occurred_at >= @start and f.occurred_at < @end " +
            "and f.retail_status = 'rated' and f.wholesale_status = 'rated'", connection);
        Bind(command, distributorId, month);
        command.Parameters.AddWithValue("ids", eventIds);
        command.Parameters.AddWithValue("zone", zone.Id);
        var groups = new List<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) groups.Add((reader.GetString(0), reader.GetString(1)));
        return groups;
    }

    private static void Bind(NpgsqlCommand command, string distributorId, Interval month)
    {
        command.Parameters.AddWithValue("d", distributorId);
        command.Parameters.AddWithValue("start", month.Start.ToDateTimeOffset());
        command.Parameters.AddWithValue("end", month.End.ToDateTimeOffset());
    }
}
