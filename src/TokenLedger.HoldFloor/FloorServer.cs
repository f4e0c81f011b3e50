using System.Text.Json;
using Npgsql;

namespace TokenLedger.HoldFloor;

/// <summary>
/// The least a hold placement can do and still be one: a JSON POST with a key, and in PostgreSQL, under the tenant's
/// advisory lock, a read of the tenant's funds and holds, the hold's row keyed by its requestId and the tenant's held
/// amount, committed. No event store, no pricing, no idempotency record, no settlement, no outbox: whatever the real
/// placement costs is above this. <c>each</c> commits every placement in its own transaction; <c>group</c> hands it to
/// <see cref="GroupWriter"/>, which commits the placements that arrived together in one transaction.
/// </summary>
public static class FloorServer
{
    public const string Key = "floor-key";
    private const decimal Amount = 3m;

    public static async Task<int> RunAsync(Options options)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(options.Text("urls", "http://127.0.0.1:5090"));
        var source = NpgsqlDataSource.Create(options.Text("postgres", "") + ";Max Auto Prepare=20;No Reset On Close=true");
        await CreateTablesAsync(source);
        var writer = new GroupWriter(source);
        var writers = Enumerable.Range(0, options.Number("writers", 3)).Select(_ => Task.Run(writer.RunAsync)).ToList();

        var app = builder.Build();
        app.MapPost("/floor/each/tenants/{tenantId}/holds", async (string tenantId, HttpRequest request, CancellationToken ct) =>
            await ReadAsync(tenantId, request, ct) is { } hold ? Answer(hold, await PlaceAsync(source, hold, ct)) : Results.BadRequest());
        app.MapPost("/floor/group/tenants/{tenantId}/holds", async (string tenantId, HttpRequest request, CancellationToken ct) =>
            await ReadAsync(tenantId, request, ct) is { } hold ? Answer(hold, await writer.PlaceAsync(hold, ct)) : Results.BadRequest());
        await app.StartAsync();
        Console.WriteLine($"hold floor listening on {options.Text("urls", "http://127.0.0.1:5090")} with {writers.Count} group writers");
        await app.WaitForShutdownAsync();
        return 0;
    }

    private static async Task<FloorHold?> ReadAsync(string tenantId, HttpRequest request, CancellationToken ct)
    {
        if (request.Headers.Authorization.ToString() != $"Bearer {Key}") return null;
        var body = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body, cancellationToken: ct);
        if (!body.TryGetProperty("requestId", out var requestId) || requestId.GetString() is not { Length: > 0 } id) return null;
        if (!body.TryGetProperty("model", out var model) || model.GetString() is not { Length: > 0 }) return null;
        return new FloorHold(tenantId, id, Amount, "hold_" + Guid.NewGuid().ToString("N"), body.GetRawText());
    }

    private static IResult Answer(FloorHold hold, bool granted) => granted
        ? Results.Json(new { holdId = hold.HoldId, hold.RequestId, amount = hold.Amount, currency = "CNY", source = "wallet", expiresAt = DateTime.UtcNow.AddMinutes(10) }, statusCode: 201)
        : Results.StatusCode(402);

    private static async Task<bool> PlaceAsync(NpgsqlDataSource source, FloorHold hold, CancellationToken ct)
    {
        await using var connection = await source.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var read = new NpgsqlBatch(connection, transaction))
        {
            read.BatchCommands.Add(new("select pg_advisory_xact_lock(hashtextextended($1, 0))") { Parameters = { new() { Value = hold.TenantId } } });
            read.BatchCommands.Add(new("select held, funds from floor_account where id = $1") { Parameters = { new() { Value = hold.TenantId } } });
            await using var reader = await read.ExecuteReaderAsync(ct);
            await reader.NextResultAsync(ct);
            if (!await reader.ReadAsync(ct) || reader.GetDecimal(0) + hold.Amount > reader.GetDecimal(1)) return false;
        }
        await using (var write = new NpgsqlBatch(connection, transaction))
        {
            write.BatchCommands.Add(new("insert into floor_hold (tenant, request_id, hold_id, body) values ($1, $2, $3, $4::jsonb)")
            {
                Parameters = { new() { Value = hold.TenantId }, new() { Value = hold.RequestId }, new() { Value = hold.HoldId }, new() { Value = hold.Json } },
            });
            write.BatchCommands.Add(new("update floor_account set held = held + $2 where id = $1") { Parameters = { new() { Value = hold.TenantId }, new() { Value = hold.Amount } } });
            await write.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return true;
    }

    private static async Task CreateTablesAsync(NpgsqlDataSource source)
    {
        await using var command = source.CreateCommand("""
            create table if not exists floor_account (id text primary key, held numeric not null, funds numeric not null);
            create table if not exists floor_hold (tenant text not null, request_id text not null, hold_id text not null, body jsonb not null, primary key (tenant, request_id));
            insert into floor_account select 'floor-' || g, 0, 1000000000 from generate_series(0, 9999) g on conflict do nothing;
            """);
        await command.ExecuteNonQueryAsync();
    }
}

public sealed record FloorHold(string TenantId, string RequestId, decimal Amount, string HoldId, string Json)
{
    public TaskCompletionSource<bool> Decided { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
