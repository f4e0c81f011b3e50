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
using Wolverine;

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
    public static void MapImportLiteLlm(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/price-books/{priceBookId}/import/litellm", Handle).RequireAuthorization(Policies.Operator)
            .Accepts<object>("application/json")
            .Produces<LiteLlmImportResponse>()
            .WithTags("Pricing")
            .WithSummary("Import LiteLLM's price file as a new USD version (?effectiveFrom=RFC3339, default now); unmapped models are reported");

    public static async Task<IResult> Handle(string priceBookId, string? effectiveFrom, HttpRequest request, IDocumentSession session,
        IClock clock, IMessageBus bus, ILogger<LiteLlmImportResponse> logger, CancellationToken ct)
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

        var key = PriceBookStreams.For(priceBookId);
        var current = await session.LoadAsync<PriceBook>(key, ct);
        if (current is not null && current.Currency != LiteLlmImportResult.Currency)
            return Problems.BadRequest("priceBookId", $"price book '{priceBookId}' is in {current.Currency}; LiteLLM prices are in USD");
        if (result.Prices.Count == 0) return Problems.BadRequest("body", "no model in the file had a price that could be mapped");

        var version = result.ToVersion(priceBookId, current?.NextVersion ?? 1, from);
        var published = new PriceBookVersionPublished(version, clock.GetCurrentInstant());
        session.StartOrAppend<PriceBook>(key, exists: current is not null, published);
        RatingCatalogRevision.Bump(session);
        await session.SaveChangesAsync(ct);
        await bus.PublishAsync(new RateUnratedUsage(PriceBookId: priceBookId));

        return Results.Ok(new LiteLlmImportResponse(priceBookId, version.Version, result.EntriesRead, result.Prices.Count,
            result.Unmapped, result.FieldsNotMapped, result.Warnings));
    }
}
