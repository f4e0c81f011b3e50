using TokenLedger.Access;
using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TokenLedger.Infrastructure;

namespace TokenLedger.Prepayment.GettingPrepayment;

public sealed record ProviderBalance(string Provider, decimal Deposited, decimal Drawn, decimal Balance, decimal? Threshold, bool Low);

/// <summary>A distributor's prepaid upstream balances as decided up to ledger sequence <see cref="DecidedThrough"/>.</summary>
public sealed record PrepaymentView(string DistributorId, string? Currency, IReadOnlyList<ProviderBalance> Providers, decimal Balance, long DecidedThrough)
{
    public static PrepaymentView From(PrepaymentAccount account) => new(
        account.Id, account.Currency,
        account.Providers.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => new ProviderBalance(p.Key, p.Value.Deposited, p.Value.Drawn, p.Value.Balance, p.Value.Threshold, p.Value.Low)).ToList(),
        account.Providers.Values.Sum(p => p.Balance), account.LastSequence);

    public static PrepaymentView Empty(string distributorId) => new(distributorId, null, [], 0m, 0);
}

public static class GetPrepayment
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/distributors/{distributorId}/prepayment", Handle).Produces<PrepaymentView>().WithTags("Prepayment")
            .WithSummary("Prepaid upstream balances per provider: deposits, drawdowns by the wholesale cost of rated usage, threshold");

    public static async Task<IResult> Handle(string distributorId, ClaimsPrincipal user, IQuerySession session, CancellationToken ct)
    {
        if (!user.MayActForDistributor(distributorId)) return Problems.NotFound($"Distributor '{distributorId}' was not found");
        var account = await session.LoadAsync<PrepaymentAccount>(distributorId, ct);
        return Results.Ok(account is null ? PrepaymentView.Empty(distributorId) : PrepaymentView.From(account));
    }
}
