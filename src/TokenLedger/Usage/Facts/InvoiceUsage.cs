using NodaTime;
using Npgsql;
using TokenLedger.Pricing.RatingUsage;
using TokenLedger.Invoicing;
using TokenLedger.Infrastructure;

namespace TokenLedger.Usage.Facts;

/// <summary>One usage event behind a usage line: its tokens of the line's class and their unrounded retail amount.</summary>
public sealed record LineEvent(string EventId, Instant OccurredAt, long Quantity, decimal Amount);

/// <summary>Retail-rated usage of a tenant that occurred in a period, from <c>usage_facts</c> and its rating columns.</summary>
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
        $"from {schema}.{UsageFactsProjection.TableName} f " +
        $"join {schema}.{InvoicedUsage.TableName} i on i.event_id = f.event_id " +
        "where i.invoice_id = @invoice and f.retail_status = 'rated' ";

    /// <summary>The month (in the tenant's zone) of usage that occurred before the invoice's period, or null for the period's own.</summary>
    private const string LateFrom = "case when f.occurred_at < @from then to_char(f.occurred_at at time zone @zone, 'YYYY-MM') end";

    /// <summary>The usage groups an invoice billed (see <see cref="InvoicedUsage"/>) and how many usage events they hold; run in the close's transaction.</summary>
    public static async Task<(IReadOnlyList<UsageGroup> Groups, long Events)> GroupsAsync(
        NpgsqlConnection connection, string schema, string invoiceId, Instant periodStart, string zone, CancellationToken ct)
    {
        var sums = string.Join(", ", InvoiceBuilder.TokenClasses.Select(c => $"sum(f.{Columns[c].Tokens})::bigint, coalesce(sum(f.{Columns[c].Amount}), 0), count(*) filter (where f.{Columns[c].Tokens} <> 0)"));
        await using var command = new NpgsqlCommand(
            $"select f.retail_model, f.retail_price_book, f.retail_version, f.retail_tier, f.retail_discount, count(*), {sums}, {LateFrom} {From(schema)}" +
            "group by 1, 2, 3, 4, 5, " + (7 + 3 * InvoiceBuilder.TokenClasses.Length), connection);
        Bind(command.Parameters, invoiceId, periodStart, zone);
        var groups = new List<UsageGroup>();
        long events = 0;
        var late = 6 + 3 * InvoiceBuilder.TokenClasses.Length;
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            events += reader.GetInt64(5);
            for (var i = 0; i < InvoiceBuilder.TokenClasses.Length; i++)
            {
                var key = new UsageLineKey(reader.GetString(0), InvoiceBuilder.TokenClasses[i], reader.GetString(1), reader.GetInt32(2),
                    reader.IsDBNull(3) ? 0 : reader.GetInt32(3), reader.IsDBNull(4) ? null : reader.GetDecimal(4), reader.IsDBNull(late) ? null : reader.GetString(late));
                groups.Add(new UsageGroup(key, reader.GetInt64(6 + 3 * i), reader.GetDecimal(7 + 3 * i), reader.GetInt64(8 + 3 * i)));
            }
        }
        return (groups, events);
    }

    public static async Task<(long Total, IReadOnlyList<LineEvent> Events)> EventsAsync(
        NpgsqlDataSource db, string schema, string invoiceId, Instant periodStart, string zone, UsageLineKey key, int page, int pageSize, CancellationToken ct)
    {
        var (tokens, amount) = Columns[key.TokenClass];
        var line = From(schema) +
            "and f.retail_model = @model and f.retail_price_book = @book and f.retail_version = @version " +
            $"and f.retail_tier is not distinct from @tier and f.retail_discount is not distinct from @discount and f.{tokens} <> 0 " +
            $"and ({LateFrom}) is not distinct from @late ";
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(LineCommand($"select count(*) {line}", invoiceId, periodStart, zone, key));
        var select = LineCommand($"select f.event_id, f.occurred_at, f.{tokens}, f.{amount} {line}order by f.event_id collate \"C\" limit @limit offset @offset", invoiceId, periodStart, zone, key);
        select.Parameters.AddWithValue("limit", pageSize);
        select.Parameters.AddWithValue("offset", (long)(page - 1) * pageSize);
        batch.BatchCommands.Add(select);

        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var total = reader.GetInt64(0);
        await reader.NextResultAsync(ct);
        var events = new List<LineEvent>();
        while (await reader.ReadAsync(ct))
            events.Add(new LineEvent(reader.GetString(0), reader.GetInstant(1),
                reader.GetInt64(2), reader.IsDBNull(3) ? 0m : reader.GetDecimal(3)));
        return (total, events);
    }

    private static NpgsqlBatchCommand LineCommand(string sql, string invoiceId, Instant periodStart, string zone, UsageLineKey key)
    {
        var command = new NpgsqlBatchCommand(sql);
        Bind(command.Parameters, invoiceId, periodStart, zone);
        command.Parameters.AddWithValue("model", key.Model);
        command.Parameters.AddWithValue("book", key.PriceBook);
        command.Parameters.AddWithValue("version", key.Version);
        command.Parameters.Add(new NpgsqlParameter<int?>("tier", NpgsqlTypes.NpgsqlDbType.Integer) { TypedValue = key.Tier });
        command.Parameters.Add(new NpgsqlParameter<decimal?>("discount", NpgsqlTypes.NpgsqlDbType.Numeric) { TypedValue = key.Discount });
        command.Parameters.Add(new NpgsqlParameter<string?>("late", NpgsqlTypes.NpgsqlDbType.Text) { TypedValue = key.LateFrom });
        return command;
    }

    private static void Bind(NpgsqlParameterCollection parameters, string invoiceId, Instant periodStart, string zone)
    {
        parameters.AddWithValue("invoice", invoiceId);
        parameters.AddWithValue("from", periodStart.ToDateTimeOffset());
        parameters.AddWithValue("zone", zone);
    }
}
