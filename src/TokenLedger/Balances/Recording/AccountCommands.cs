using Marten;
using Microsoft.AspNetCore.Http;
using Npgsql;
using TokenLedger.Infrastructure;
using TokenLedger.Tenants;

namespace TokenLedger.Balances.Recording;

/// <summary>
/// Appends an account command's fact to the tenant's account stream and waits (up to a few seconds) until the funding
/// subscription has decided it, so the caller gets the balance that includes it. A repeated request id is a no-op.
/// </summary>
public sealed class AccountCommands(IDocumentStore store, NpgsqlDataSource db)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    public sealed record AccountRequest(string Id);

    public async Task<Tenant?> TenantAsync(string tenantId, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        return await session.LoadAsync<Tenant>(TenantStreams.For(tenantId), ct);
    }

    public async Task<IResult> AppendAsync(string tenantId, string requestId, object fact, Func<TenantAccount?, IResult> respond, CancellationToken ct)
    {
        var key = $"{tenantId}:{requestId}";
        for (var attempt = 1; ; attempt++)
        {
            await using var session = store.LightweightSession();
            if (await session.LoadAsync<AccountRequest>(key, ct) is not null) break;
            session.Insert(new AccountRequest(key));
            session.Events.Append(AccountStreams.For(tenantId), fact);
            try
            {
                await session.SaveChangesAsync(ct);
                break;
            }
            catch (Exception e) when (attempt < 20 && StreamConflicts.Is(e))
            {
                // Another append to the same stream took the version, or the same request id raced with itself:
                // look again (a recorded request id ends the loop) and retry.
                await Task.Delay(Random.Shared.Next(5, 20 * attempt), ct);
            }
        }
        return respond(await DecidedAsync(tenantId, ct));
    }

    /// <summary>The account once the funding subscription has processed everything in its stream, or null if it lags.</summary>
    public async Task<TenantAccount?> DecidedAsync(string tenantId, CancellationToken ct)
    {
        var head = await HeadAsync(tenantId, ct);
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            await using var session = store.QuerySession();
            var account = await session.LoadAsync<TenantAccount>(tenantId, ct);
            if (account is not null && account.LastSequence >= head) return account;
            if (DateTime.UtcNow > deadline) return null;
            await Task.Delay(50, ct);
        }
    }

    private async Task<long> HeadAsync(string tenantId, CancellationToken ct)
    {
        // The last command fact in the stream; events the subscription appends itself come later and do not count.
        await using var command = db.CreateCommand(
            $"select coalesce(max(seq_id), 0) from {LedgerSchema.Name}.mt_events where stream_id = @s and type = any(@types)");
        command.Parameters.AddWithValue("s", AccountStreams.For(tenantId));
        command.Parameters.AddWithValue("types", CommandTypes);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    private static readonly string[] CommandTypes =
    [
        "funds_topped_up", "credit_granted", "refund_requested", "balance_adjusted", "token_package_purchased", "credit_terms_set",
        "plan_subscription_requested", "plan_change_requested", "plan_cancellation_requested",
    ];
}
