using System.Security.Claims;
using System.Text.Json;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NodaTime;
using TokenLedger.Pricing.RatingUnratedUsage;
using TokenLedger.Access;
using TokenLedger.Infrastructure;
using TokenLedger.Pricing.PriceBooks;
using TokenLedger.Pricing.RatingUsage;

namespace TokenLedger.Pricing.PuttingPriceBook;

/// <summary>
/// Publishes a new version of a price book. Versions are never edited: events keep the version in force when they
/// occurred. Putting a body equal to the latest version changes nothing.
/// </summary>
public static class PublishPriceBookVersion
{
    public static object[] Decide(PriceBook? current, string priceBookId, PutPriceBookRequest request, Instant now, string? actedBy = null)
    {
        var candidate = PutPriceBookRequest.ToVersion(priceBookId, current?.NextVersion ?? 1, request);
        if (current?.Versions[^1] is { } latest && SameContent(latest, candidate)) return [];
        return [new PriceBookVersionPublished(candidate, now, actedBy)];
    }

    private static bool SameContent(PriceBookVersion a, PriceBookVersion b) =>
        JsonSerializer.Serialize(PutPriceBookRequest.FromVersion(a)) == JsonSerializer.Serialize(PutPriceBookRequest.FromVersion(b));
}

public sealed record PriceBookResponse(string PriceBookId, string Currency, IReadOnlyList<PriceBookVersionResponse> Versions);

public sealed record PriceBookVersionResponse(int Version, Instant EffectiveFrom, PutPriceBookRequest Content);

public static class PutPriceBookEndpoint
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPut("/api/price-books/{priceBookId}", Put).RequireAuthorization(Policies.Operator)
            .WithTags("Pricing").WithSummary("Publish a new effective-dated version of a price book (prices per million tokens as decimal strings)");
        app.MapGet("/api/price-books/{priceBookId}", Get).RequireAuthorization(Policies.Operator)
            .WithTags("Pricing").WithSummary("A price book with every version ever published");
    }

    public static async Task<IResult> Put(string priceBookId, PutPriceBookRequest body, LedgerWrites writes, IClock clock, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!LedgerIds.IsValid(priceBookId)) return Problems.BadRequest("priceBookId", LedgerIds.Rule("priceBookId"));
        var validation = new PutPriceBookRequest.Validator().Validate(body);
        if (!validation.IsValid) return Problems.Validation(validation);

        var key = PriceBookStreams.For(priceBookId);
        return await writes.DecideAsync(async (write, token) =>
        {
            var stream = await write.Session.Events.FetchForWriting<PriceBook>(key, token);
            var current = stream.Aggregate;
            if (current is not null && current.Currency != body.Currency)
                return Problems.BadRequest("currency", $"price book '{priceBookId}' is in {current.Currency}; a version cannot change its currency");

            var events = PublishPriceBookVersion.Decide(current, priceBookId, body, clock.GetCurrentInstant(), user.KeyId());
            if (events.Length > 0)
            {
                stream.AppendMany(events);
                RatingCatalogRevision.Bump(write.Session);
                await write.Outbox.PublishAsync(new RateUnratedUsage(PriceBookId: priceBookId));
                await write.Session.SaveChangesAsync(token);
            }
            var saved = (await write.Session.LoadAsync<PriceBook>(key, token))!;
            var response = Describe(saved);
            return current is null ? Results.Created($"/api/price-books/{priceBookId}", response) : Results.Ok(response);
        }, ct);
    }

    public static async Task<IResult> Get(string priceBookId, IQuerySession session, CancellationToken ct) =>
        await session.LoadAsync<PriceBook>(PriceBookStreams.For(priceBookId), ct) is { } book
            ? Results.Ok(Describe(book))
            : Problems.NotFound($"Price book '{priceBookId}' was not found");

    private static PriceBookResponse Describe(PriceBook book) => new(book.PriceBookId, book.Currency,
        book.Versions.Select(v => new PriceBookVersionResponse(v.Version, v.EffectiveFrom, PutPriceBookRequest.FromVersion(v))).ToList());
}
