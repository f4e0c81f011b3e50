using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using NodaTime;
using TokenLedger.Access;
using TokenLedger.Infrastructure;
using TokenLedger.Pricing.PriceBooks;
using TokenLedger.Pricing.PuttingPriceBook;
using TokenLedger.Pricing.RatingUnratedUsage;
using TokenLedger.Pricing.RatingUsage;

namespace TokenLedger.Pricing.ImportingLiteLlm;

public sealed record LiteLlmImportResponse(
    string PriceBookId, int? Version, int EntriesRead, int ModelsMapped,
    IReadOnlyList<LiteLlmUnmappedModel> Unmapped, IReadOnlyList<LiteLlmFieldNote> FieldsNotMapped, IReadOnlyList<LiteLlmFieldNote> Warnings);

/// <summary>
/// Publishes a USD price book version from LiteLLM's model_prices_and_context_window.json (the request body) and
/// reports everything it could not map. <c>ops/import-litellm</c> wraps it for the command line.
/// </summary>
public static class ImportLiteLlmEndpoint
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/price-books/{priceBookId}/import/litellm", Handle).RequireAuthorization(Policies.Operator)
            .Accepts<object>("application/json")
            .Produces<LiteLlmImportResponse>()
            .WithTags("Pricing")
            .WithSummary("Import LiteLLM's price file as a new USD version (?effectiveFrom=RFC3339, default now); unmapped models are reported");

    public static async Task<IResult> Handle(string priceBookId, string? effectiveFrom, HttpRequest request, LedgerWrites writes,
        IClock clock, ILogger<LiteLlmImportResponse> logger, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!LedgerIds.IsValid(priceBookId)) return Problems.BadRequest("priceBookId", LedgerIds.Rule("priceBookId"));
        var from = clock.GetCurrentInstant();
        if (effectiveFrom is not null)
        {
            if (Rfc3339.ToInstant(effectiveFrom) is not { } parsed) return Problems.BadRequest("effectiveFrom", Rfc3339.Rule("effectiveFrom"));
            from = parsed;
        }

        LiteLlmImportResult result;
        try
        {
            var progress = new Progress<int>(n => logger.LogInformation("LiteLLM import into {PriceBook}: {Entries} entries read", priceBookId, n));
            using var buffered = new MemoryStream();
            await request.Body.CopyToAsync(buffered, ct);
            buffered.Position = 0;
            result = LiteLlmImport.Read(buffered, progress);
        }
        catch (System.Text.Json.JsonException e)
        {
            return Problems.BadRequest("body", $"the body is not LiteLLM price JSON: {e.Message}");
        }

        if (result.Prices.Count == 0) return Problems.BadRequest("body", "no model in the file had a price that could be mapped");
        var key = PriceBookStreams.For(priceBookId);
        var version = await writes.DecideAsync(async (write, token) =>
        {
            var stream = await write.Session.Events.FetchForWriting<PriceBook>(key, token);
            if (stream.Aggregate is { } current && current.Currency != LiteLlmImportResult.Currency) return null;
            var decided = result.ToVersion(priceBookId, stream.Aggregate?.NextVersion ?? 1, from);
            stream.AppendOne(new PriceBookVersionPublished(decided, clock.GetCurrentInstant(), user.KeyId()));
            RatingCatalogRevision.Bump(write.Session);
            await write.Outbox.PublishAsync(new RateUnratedUsage(PriceBookId: priceBookId));
            await write.Session.SaveChangesAsync(token);
            return decided;
        }, ct);
        if (version is null) return Problems.BadRequest("priceBookId", $"price book '{priceBookId}' is not in USD; LiteLLM prices are in USD");

        return Results.Ok(new LiteLlmImportResponse(priceBookId, version.Version, result.EntriesRead, result.Prices.Count,
            result.Unmapped, result.FieldsNotMapped, result.Warnings));
    }
}
