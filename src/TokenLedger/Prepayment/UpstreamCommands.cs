using Marten;
using Microsoft.AspNetCore.Http;
using TokenLedger.Distributors;
using TokenLedger.Infrastructure;
using TokenLedger.Prepayment.GettingPrepayment;
using TokenLedger.Pricing.PriceBooks;

namespace TokenLedger.Prepayment;

/// <summary>
/// Appends a distributor's upstream fact once per request id and waits (up to a few seconds) until the prepayment
/// subscription has decided it, so the caller gets balances that include it.
/// </summary>
public sealed class UpstreamCommands(IDocumentStore store)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    public sealed record UpstreamRequest(string Id);

    /// <summary>The distributor and the currency its prepayment is kept in: that of its first deposit, else its wholesale book's.</summary>
    public async Task<(Distributor? Distributor, string? Currency)> DistributorAsync(string distributorId, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var distributor = await session.LoadAsync<Distributor>(DistributorStreams.For(distributorId), ct);
        if (distributor is null) return (null, null);
        var account = await session.LoadAsync<PrepaymentAccount>(distributorId, ct);
        var book = distributor.WholesalePriceBookId is { } id ? await session.LoadAsync<PriceBook>(PriceBookStreams.For(id), ct) : null;
        return (distributor, account?.Currency ?? book?.Currency);
    }

    /// <summary>404 for an unknown distributor, 400 when <paramref name="currency"/> is not the one it prepays in; null when both are fine.</summary>
    public async Task<IResult?> RefusalAsync(string distributorId, string? currency, CancellationToken ct)
    {
        var (distributor, prepaysIn) = await DistributorAsync(distributorId, ct);
        if (distributor is null) return Problems.NotFound($"Distributor '{distributorId}' was not found");
        if (prepaysIn is not null && prepaysIn != currency)
            return Problems.BadRequest("currency", $"distributor '{distributorId}' prepays in {prepaysIn}, not {currency}");
        return null;
    }

    /// <summary>200 with the balances once the subscription has decided the fact, else 202 with <paramref name="accepted"/>.</summary>
    public static IResult Respond(string distributorId, PrepaymentAccount? account, object accepted) =>
        account is null
            ? Results.Accepted($"/api/distributors/{distributorId}/prepayment", accepted)
            : Results.Ok(PrepaymentView.From(account));

    public async Task<PrepaymentAccount?> AppendAsync(string distributorId, string requestId, object fact, CancellationToken ct)
    {
        var key = $"{distributorId}:{requestId}";
        for (var attempt = 1; ; attempt++)
        {
            await using var session = store.LightweightSession();
            if (await session.LoadAsync<UpstreamRequest>(key, ct) is not null) break;
            session.Insert(new UpstreamRequest(key));
            session.Events.Append(PrepaymentStreams.Facts(distributorId), fact);
            try
            {
                await session.SaveChangesAsync(ct);
                break;
            }
            catch (Exception e) when (attempt < 20 && StreamConflicts.Is(e))
            {
                await Task.Delay(Random.Shared.Next(5, 20 * attempt), ct);
            }
        }
        return await DecidedAsync(distributorId, ct);
    }

    /// <summary>The account once the subscription has decided every fact of the distributor's upstream stream, or null if it lags.</summary>
    private async Task<PrepaymentAccount?> DecidedAsync(string distributorId, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + Wait;
        await using var session = store.QuerySession();
        var head = await session.Events.QueryAllRawEvents()
            .Where(e => e.StreamKey == PrepaymentStreams.Facts(distributorId)).MaxAsync(e => e.Sequence, ct);
        while (true)
        {
            await using var poll = store.QuerySession();
            var account = await poll.LoadAsync<PrepaymentAccount>(distributorId, ct);
            if (account is not null && account.LastSequence >= head) return account;
            if (DateTime.UtcNow > deadline) return null;
            await Task.Delay(25, ct);
        }
    }
}
