using Npgsql;
using TokenLedger.Balances.Funding;
using TokenLedger.Infrastructure;
using TokenLedger.Pricing;
using TokenLedger.Pricing.RatingUsage;

namespace TokenLedger.Usage.Facts;

/// <summary>A usage event whose retail side the rating event <paramref name="RatedBy"/> set, with its tenant and charge.</summary>
public sealed record RetailRatedFact(Guid RatedBy, string TenantId, ChargedUsage Usage);

/// <summary>What the funding subscription reads of <c>usage_facts</c>: the usage a rating event rated at retail.</summary>
public static class UsageFactsForFunding
{
    private static readonly string Sql =
        $"select f.{UsageCharges.RetailRatedBy}, f.event_id, f.tenant_id, f.model, f.occurred_at, f.input_tokens, f.cached_input_tokens, " +
        "f.cache_write_tokens, f.output_tokens, f.plan_id, f.retail_price_book, f.retail_version, f.retail_currency, f.retail_model, f.retail_tier, " +
        "f.retail_discount, f.retail_input, f.retail_cached_input, f.retail_cache_write, f.retail_output, f.wholesale_amount, f.request_id " +
        $"from {LedgerSchema.Name}.{UsageFactsProjection.TableName} f " +
        $"where f.event_id = any(@ids) and f.{UsageCharges.RetailRatedBy} = any(@ratedBy)";

    /// <summary>The usage among <paramref name="eventIds"/> whose retail side one of <paramref name="ratedBy"/> set.</summary>
    public static async Task<List<RetailRatedFact>> RetailRatedAsync(NpgsqlDataSource db, string[] eventIds, Guid[] ratedBy, CancellationToken ct)
    {
        var found = new List<RetailRatedFact>();
        await using var command = db.CreateCommand(Sql);
        command.Parameters.AddWithValue("ids", eventIds);
        command.Parameters.AddWithValue("ratedBy", ratedBy);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var tokens = new TokenCounts(reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8));
            var charge = new Charge(reader.GetString(10), reader.GetInt32(11), reader.GetString(12), reader.GetString(13), reader.GetInt32(14),
                reader.GetDecimal(15), reader.GetDecimal(16), reader.GetDecimal(17), reader.GetDecimal(18), reader.GetDecimal(19));
            var usage = new ChargedUsage(reader.GetString(1), reader.GetInstant(4), reader.GetString(3),
                reader.IsDBNull(9) ? null : reader.GetString(9), tokens, charge, reader.IsDBNull(20) ? null : reader.GetDecimal(20),
                reader.IsDBNull(21) ? null : reader.GetString(21));
            found.Add(new RetailRatedFact(reader.GetGuid(0), reader.GetString(2), usage));
        }
        return found;
    }
}
