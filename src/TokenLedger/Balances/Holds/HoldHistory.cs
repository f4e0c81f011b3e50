using Npgsql;
using TokenLedger.Infrastructure;

namespace TokenLedger.Balances.Holds;

/// <summary>One ledger event of a hold's life, for the drill-down.</summary>
public sealed record HoldEventLine(long Sequence, DateTimeOffset At, string Stream, string Type, System.Text.Json.JsonElement Data);

/// <summary>Reads a hold's events (placed, voided, expired from the holds stream; settled, released from funding's decisions) in ledger order.</summary>
public sealed class HoldHistory(NpgsqlDataSource db)
{
    public async Task<IReadOnlyList<HoldEventLine>> ReadAsync(string tenantId, string holdId, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            $"select seq_id, timestamp, stream_id, type, data::text from {LedgerSchema.Name}.mt_events " +
            "where stream_id = any(@streams) and data->>'holdId' = @hold order by seq_id");
        command.Parameters.AddWithValue("streams", new[] { HoldStreams.For(tenantId), AccountStreams.Decisions(tenantId) });
        command.Parameters.AddWithValue("hold", holdId);
        var lines = new List<HoldEventLine>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            lines.Add(new HoldEventLine(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.GetString(3),
                System.Text.Json.JsonDocument.Parse(reader.GetString(4)).RootElement.Clone()));
        return lines;
    }

    /// <summary>How the hold ended, from its history: settled, released, or null while it is open (or unknown).</summary>
    public static string? Outcome(IReadOnlyList<HoldEventLine> lines) =>
        lines.Any(l => l.Type == "hold_settled") ? "settled" : lines.Any(l => l.Type == "hold_released") ? "released" : null;
}
