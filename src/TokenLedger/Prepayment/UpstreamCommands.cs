using Marten;
using Microsoft.AspNetCore.Http;
using TokenLedger.Distributors;
using TokenLedger.Infrastructure;
using TokenLedger.Prepayment.GettingPrepayment;
using TokenLedger.Pricing.PriceBooks;

namespace TokenLedger.Prepayment;

/// <summary>
/// The upstream commands of <see cref="OrderedCommands"/>: their facts go to the distributor's upstream stream, the
/// prepayment subscription decides them, and the answer is the balances that include them (or 202 with them to poll).
/// </summary>
public sealed class UpstreamCommands(IDocumentStore store, OrderedCommands commands)
{
    /// <summary>The marker that a request key was recorded (its id is <c>{distributorId}:{requestId}</c>).</summary>
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

    /// <summary>Appends the fact once per request id, then answers 200 with the balances that include it, or 202.</summary>
    public async Task<IResult> AppendAsync(string distributorId, string requestId, object fact, CancellationToken ct)
    {
        var key = $"{distributorId}:{requestId}";
        await commands.AppendOnceAsync(key, new UpstreamRequest(key), PrepaymentStreams.Facts(distributorId), fact, ct);
        return OrderedCommands.Answer(await DecidedAsync(distributorId, ct), account => Results.Ok(PrepaymentView.From(account)),
            $"/api/distributors/{distributorId}/prepayment", requestId);
    }

    /// <summary>The account once the subscription has decided every fact of the distributor's upstream stream, or null if it lags.</summary>
    private async Task<PrepaymentAccount?> DecidedAsync(string distributorId, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var head = await session.Events.QueryAllRawEvents()
            .Where(e => e.StreamKey == PrepaymentStreams.Facts(distributorId)).MaxAsync(e => e.Sequence, ct);
        return await commands.DecidedAsync<PrepaymentAccount>(distributorId, head, account => account.LastSequence, ct);
    }
}
