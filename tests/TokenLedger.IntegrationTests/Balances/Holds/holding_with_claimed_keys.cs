using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NodaTime;
using Npgsql;
using Shouldly;
using TokenLedger.Idempotency;
using TokenLedger.Infrastructure;
using TokenLedger.IntegrationTests.Fixtures;
using static TokenLedger.IntegrationTests.Balances.Holds.HoldScenario;

namespace TokenLedger.IntegrationTests.Balances.Holds;

/// <summary>
/// A placement reads its requestId's key under the tenant's hold lock and inserts it with the answer at commit. A key
/// that a request of another kind holds (the Idempotency-Key of a top-up, say, in the same tenant's scope) is answered
/// 409 while it runs, taken over once its claim is stale, and never leaves a hold without its kept answer.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class holding_with_claimed_keys(LedgerFixture fixture)
{
    private HttpClient Op => fixture.Operator;

    private static string ClaimSql =>
        $"insert into {LedgerSchema.Name}.{IdempotencyRecords.TableName} (scope, key, operation, fingerprint, claimed_at) values ($1, $2, 'POST /api/tenants/x/top-ups', 'another request', $3)";

    private static NpgsqlCommand Claim(NpgsqlConnection connection, string tenant, string key, Instant claimedAt) =>
        new(ClaimSql, connection) { Parameters = { new() { Value = $"tenant:{tenant}" }, new() { Value = key }, new() { Value = claimedAt.ToDateTimeOffset() } } };

    private async Task<decimal> HeldAsync(string tenant) =>
        (await Op.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenant}/holds")).GetProperty("held").GetDecimal();

    [Fact]
    public async Task a_key_another_request_holds_answers_409_and_a_stale_claim_is_taken_over()
    {
        var tenant = await TenantAsync(Op, await UnitBookAsync(Op), wallet: 10);
        await using var connection = new NpgsqlConnection(fixture.Servers.Postgres);
        await connection.OpenAsync();
        await using (var busy = Claim(connection, tenant, "chat-busy", fixture.Now)) await busy.ExecuteNonQueryAsync();
        await using (var died = Claim(connection, tenant, "chat-died", fixture.Now - Duration.FromMinutes(2))) await died.ExecuteNonQueryAsync();

        (await HoldAsync(Op, tenant, "chat-busy", maxInput: 2)).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var taken = await HoldAsync(Op, tenant, "chat-died", maxInput: 2);
        taken.StatusCode.ShouldBe(HttpStatusCode.Created);
        var again = await HoldAsync(Op, tenant, "chat-died", maxInput: 2);
        again.StatusCode.ShouldBe(HttpStatusCode.Created);
        again.Headers.GetValues("Idempotent-Replayed").ShouldBe(["true"]);
        (await again.Content.ReadAsStringAsync()).ShouldBe(await taken.Content.ReadAsStringAsync());
        (await HeldAsync(tenant)).ShouldBe(2m);
    }

    [Fact]
    public async Task a_key_claimed_by_another_request_between_the_read_and_the_commit_rolls_the_hold_back_and_answers_409()
    {
        var tenant = await TenantAsync(Op, await UnitBookAsync(Op), wallet: 10);
        await using var connection = new NpgsqlConnection(fixture.Servers.Postgres);
        await connection.OpenAsync();
        // The other request's claim is inserted but not committed: the placement reads the key free, decides, and its
        // insert of the key waits on this transaction; once it commits, the insert fails and the placement decides again.
        await using var other = await connection.BeginTransactionAsync();
        await using (var claim = Claim(connection, tenant, "chat-raced", fixture.Now)) await claim.ExecuteNonQueryAsync();
        var placing = HoldAsync(Op, tenant, "chat-raced", maxInput: 3);
        await Task.Delay(TimeSpan.FromSeconds(2));
        await other.CommitAsync();

        var answer = await placing;
        answer.StatusCode.ShouldBe(HttpStatusCode.Conflict, await answer.Content.ReadAsStringAsync());
        (await HeldAsync(tenant)).ShouldBe(0m);
        (await HoldAsync(Op, tenant, "chat-other", maxInput: 3)).StatusCode.ShouldBe(HttpStatusCode.Created, "the tenant's lock was let go");
        (await HeldAsync(tenant)).ShouldBe(3m);
    }
}
