using Marten;
using Microsoft.AspNetCore.Http;
using Npgsql;
using TokenLedger.Infrastructure;
using TokenLedger.Tenants;

namespace TokenLedger.Balances.Recording;

/// <summary>
/// The account commands of <see cref="OrderedCommands"/>: their facts go to the tenant's account stream, the funding
/// subscription decides them, and the answer is the balance that includes them (or 202 with the balance to poll).
/// </summary>
public sealed class AccountCommands(IDocumentStore store, NpgsqlDataSource db, OrderedCommands commands)
{
    /// <summary>The marker that a request key was recorded (its id is <c>{tenantId}:{requestId}</c>).</summary>
    public sealed record AccountRequest(string Id);

    public async Task<Tenant?> TenantAsync(string tenantId, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        return await session.LoadAsync<Tenant>(TenantStreams.For(tenantId), ct);
    }

    /// <summary>Appends the fact once per request id, then answers <paramref name="decided"/> of the account that includes it, or 202.</summary>
    public async Task<IResult> AppendAsync(string tenantId, string requestId, object fact, Func<TenantAccount, IResult> decided, CancellationToken ct)
    {
        var key = $"{tenantId}:{requestId}";
        await commands.AppendOnceAsync(key, new AccountRequest(key), AccountStreams.For(tenantId), fact, ct);
        return OrderedCommands.Answer(await DecidedAsync(tenantId, ct), decided, $"/api/tenants/{tenantId}/balance", requestId);
    }

    /// <summary>The account once the funding subscription has processed everything in its stream, or null if it lags.</summary>
    public async Task<TenantAccount?> DecidedAsync(string tenantId, CancellationToken ct) =>
        await commands.DecidedAsync<TenantAccount>(tenantId, await HeadAsync(tenantId, ct), account => account.LastSequence, ct);

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
