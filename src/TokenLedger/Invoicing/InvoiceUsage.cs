using NodaTime;
using Npgsql;
using TokenLedger.Pricing.RatingUsage;
using TokenLedger.Usage.GettingUsage;

namespace TokenLedger.Invoicing;

/// <summary>One usage event behind a usage line: its tokens of the line's class and their unrounded retail amount.</summary>
public sealed record LineEvent(string EventId, Instant OccurredAt, long Quantity, decimal Amount);

/// <summary>Retail-rated usage of a tenant that occurred in a period, from <c>usage_facts</c> joined with <c>usage_charges</c>.</summary>
public static class InvoiceUsage
{
    private static readonly Dictionary<string, (string Tokens, string Amount)> Columns = new(StringComparer.Ordinal)
    {
        ["input"] = ("input_tokens", "retail_input"),
        ["cachedInput"] = ("cached_input_tokens", "retail_cached_input"),
        ["cacheWrite"] = ("cache_write_tokens", "retail_cache_write"),
        ["output"] = ("output_tokens", "retail_output"),
    };

    private static string From(string schema) =>
        $"from {schema}.{UsageFactsProjection.TableName} f join {schema}.{UsageChargesProjection.TableName} c on c.event_id = f.event_id " +
        "where f.tenant_id = @tenant and f.occurred_at >= @from and f.occurred_at < @to and c.retail_status = 'rated' ";

    /// <summary>The usage groups of the period and how many rated usage events they hold.</summary>
    public static async Task<(IReadOnlyList<UsageGroup> Groups, long Events)> GroupsAsync(NpgsqlDataSource db, string schema, string tenantId, Interval period, CancellationToken ct)
    {
        var sums = string.Join(", ", InvoiceBuilder.TokenClasses.Select(c => $"sum(f.{Columns[c].Tokens})::bigint, coalesce(sum(c.{Columns[c].Amount}), 0), count(*) filter (where f.{Columns[c].Tokens} <> 0)"));
        await using var command = db.CreateCommand(
            $"select c.retail_model, c.retail_price_book, c.retail_version, c.retail_tier, c.retail_discount, count(*), {sums} {From(schema)}" +
            "group by 1, 2, 3, 4, 5");
        Bind(command, tenantId, period);
        var groups = new List<UsageGroup>();
        long events = 0;
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            events += reader.GetInt64(5);
            for (var i = 0; i < InvoiceBuilder.TokenClasses.Length; i++)
            {
                var key = new UsageLineKey(reader.GetString(0), InvoiceBuilder.TokenClasses[i], reader.GetString(1), reader.GetInt32(2),
                    reader.IsDBNull(3) ? 0 : reader.GetInt32(3), reader.IsDBNull(4) ? null : reader.GetDecimal(4));
                groups.Add(new UsageGroup(key, reader.GetInt64(6 + 3 * i), reader.GetDecimal(7 + 3 * i), reader.GetInt64(8 + 3 * i)));
            }
        }
        return (groups, events);
    }

    public static async Task<(long Total, IReadOnlyList<LineEvent> Events)> EventsAsync(
        NpgsqlDataSource db, string schema, string tenantId, Interval period, UsageLineKey key, int page, int pageSize, CancellationToken ct)
    {
        var (tokens, amount) = Columns[key.TokenClass];
        var line = From(schema) +
            "and c.retail_model = @model and c.retail_price_book = @book and c.retail_version = @version " +
            $"and c.retail_tier is not distinct from @tier and c.retail_discount is not distinct from @discount and f.{tokens} <> 0 ";
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(LineCommand($"select count(*) {line}", tenantId, period, key));
        var select = LineCommand($"select f.event_id, f.occurred_at, f.{tokens}, c.{amount} {line}order by f.event_id collate \"C\" limit @limit offset @offset", tenantId, period, key);
        select.Parameters.AddWithValue("limit", pageSize);
        select.Parameters.AddWithValue("offset", (long)(page - 1) * pageSize);
        batch.BatchCommands.Add(select);

        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var total = reader.GetInt64(0);
        await reader.NextResultAsync(ct);
        var events = new List<LineEvent>();
        while (await reader.ReadAsync(ct))
            events.Add(new LineEvent(reader.GetString(0), Instant.FromDateTimeOffset(reader.GetFieldValue<DateTimeOffset>(1)),
                reader.GetInt64(2), reader.IsDBNull(3) ? 0m : reader.GetDecimal(3)));
        return (total, events);
    }

    private static NpgsqlBatchCommand LineCommand(string sql, string tenantId, Interval period, UsageLineKey key)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddWithValue("tenant", tenantId);
        command.Parameters.AddWithValue("from", period.Start.ToDateTimeOffset());
        command.Parameters.AddWithValue("to", period.End.ToDateTimeOffset());
        command.Parameters.AddWithValue("model", key.Model);
        command.Parameters.AddWithValue("book", key.PriceBook);
        command.Parameters.AddWithValue("version", key.Version);
        command.Parameters.Add(new NpgsqlParameter<int?>("tier", NpgsqlTypes.NpgsqlDbType.Integer) { TypedValue = key.Tier });
        command.Parameters.Add(new NpgsqlParameter<decimal?>("discount", NpgsqlTypes.NpgsqlDbType.Numeric) { TypedValue = key.Discount });
        return command;
    }

    private static void Bind(NpgsqlCommand command, string tenantId, Interval period)
    {
        command.Parameters.AddWithValue("tenant", tenantId);
        command.Parameters.AddWithValue("from", period.Start.ToDateTimeOffset());
        command.Parameters.AddWithValue("to", period.End.ToDateTimeOffset());
    }
}
