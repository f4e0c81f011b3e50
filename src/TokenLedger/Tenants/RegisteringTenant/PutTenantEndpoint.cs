using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NodaTime;
using TokenLedger.Pricing.RatingUnratedUsage;
using Wolverine;
using TokenLedger.Access;
using TokenLedger.Infrastructure;
using TokenLedger.Pricing.PriceBooks;
using TokenLedger.Pricing.RatingUsage;

namespace TokenLedger.Tenants.RegisteringTenant;

public sealed record PutTenantRequest(string? Name, string? TimeZone, string? Currency, string? RetailPriceBookId = null);

public sealed record TenantResponse(string TenantId, string Name, string TimeZone, string Currency, Instant RegisteredAt, string? RetailPriceBookId)
{
    public static TenantResponse From(Tenant t) => new(t.TenantId, t.Name, t.TimeZone, t.Currency, t.RegisteredAt, t.RetailPriceBookId);
}

public static class PutTenantEndpoint
{
    public static void MapPutTenant(this IEndpointRouteBuilder app) =>
        app.MapPut("/api/tenants/{tenantId}", Handle)
            .RequireAuthorization(Policies.Operator)
            .WithTags("Tenants")
            .WithSummary("Register a tenant or change its name, billing zone (default Asia/Shanghai), currency (default CNY) or retail price book");

    public static async Task<IResult> Handle(string tenantId, PutTenantRequest body, IDocumentSession session, IClock clock, IMessageBus bus, CancellationToken ct)
    {
        var command = new PutTenant(tenantId, body.Name ?? "", body.TimeZone, body.Currency, body.RetailPriceBookId);
        var validation = new PutTenant.Validator().Validate(command);
        if (!validation.IsValid) return Problems.Validation(validation);
        var streamKey = TenantStreams.For(tenantId);
        var current = await session.LoadAsync<Tenant>(streamKey, ct);
        // The book in force after this request (the new one, or the one kept) must bill in the tenant's currency.
        if ((command.RetailPriceBookId ?? current?.RetailPriceBookId) is { } bookId)
        {
            var book = await session.LoadAsync<PriceBook>(PriceBookStreams.For(bookId), ct);
            if (book is null) return Problems.BadRequest("retailPriceBookId", $"price book '{bookId}' does not exist");
            if (book.Currency != command.CurrencyCode)
                return Problems.BadRequest("retailPriceBookId",
                    $"price book '{bookId}' is in {book.Currency} but the tenant is billed in {command.CurrencyCode}; send a retailPriceBookId in {command.CurrencyCode} with the currency change");
        }
        var events = PutTenant.Decide(current, command, clock.GetCurrentInstant());
        if (events.Length > 0)
        {
            session.StartOrAppend<Tenant>(streamKey, exists: current is not null, events);
            if (events.OfType<TenantRetailPriceBookAssigned>().Any()) RatingCatalogRevision.Bump(session);
            await session.SaveChangesAsync(ct);
            await bus.PublishAsync(new RateUnratedUsage(TenantId: tenantId));
        }

        var tenant = await session.LoadAsync<Tenant>(streamKey, ct);
        var response = TenantResponse.From(tenant!);
        return current is null ? Results.Created($"/api/tenants/{tenantId}", response) : Results.Ok(response);
    }
}
