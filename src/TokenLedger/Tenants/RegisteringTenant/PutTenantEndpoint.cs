using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NodaTime;
using TokenLedger.Pricing.RatingUnratedUsage;
using Npgsql;
using TokenLedger.Access;
using TokenLedger.Infrastructure;
using TokenLedger.Pricing.PriceBooks;
using TokenLedger.Pricing.RatingUsage;

namespace TokenLedger.Tenants.RegisteringTenant;

public sealed record PutTenantRequest(string? Name, string? TimeZone, string? Currency, string? RetailPriceBookId = null, int? HoldTtlSeconds = null);

public sealed record TenantResponse(
    string TenantId, string Name, string TimeZone, string Currency, Instant RegisteredAt, string? RetailPriceBookId, int? HoldTtlSeconds)
{
    public static TenantResponse From(Tenant t) => new(t.TenantId, t.Name, t.TimeZone, t.Currency, t.RegisteredAt, t.RetailPriceBookId, t.HoldTtlSeconds);
}

public static class PutTenantEndpoint
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPut("/api/tenants/{tenantId}", Handle)
            .RequireAuthorization(Policies.Operator)
            .WithTags("Tenants")
            .WithSummary("Register a tenant or change its name, retail price book or default hold TTL (holdTtlSeconds, 1–3600); fields left out keep their values (on registration: zone Asia/Shanghai, currency CNY). Zone and currency are fixed once the tenant has activity (409)");

    public static async Task<IResult> Handle(string tenantId, PutTenantRequest body, LedgerWrites writes, NpgsqlDataSource db, IClock clock, ClaimsPrincipal user, CancellationToken ct)
    {
        var command = new PutTenant(tenantId, body.Name, body.TimeZone, body.Currency, body.RetailPriceBookId, user.KeyId(), body.HoldTtlSeconds);
        var validation = new PutTenant.Validator().Validate(command);
        if (!validation.IsValid) return Problems.Validation(validation);
        var streamKey = TenantStreams.For(tenantId);
        return await writes.DecideAsync(async (write, token) =>
        {
            var stream = await write.Session.Events.FetchForWriting<Tenant>(streamKey, token);
            var current = stream.Aggregate;
            var activity = current is null ? null : await TenantActivity.FirstAsync(write.Session, db, tenantId, token);
            switch (command.Refusal(current, activity))
            {
                case TenantRefusal.Invalid invalid: return Problems.BadRequest(invalid.Field, invalid.Reason);
                case TenantRefusal.Locked locked: return Problems.Conflict(locked.Detail);
            }
            if (await PriceBookMismatchAsync(write.Session, command, current, token) is { } mismatch) return mismatch;

            var events = PutTenant.Decide(current, command, clock.GetCurrentInstant());
            if (events.Length > 0)
            {
                stream.AppendMany(events);
                if (events.OfType<TenantRetailPriceBookAssigned>().Any()) RatingCatalogRevision.Bump(write.Session);
                await write.Outbox.PublishAsync(new RateUnratedUsage(TenantId: tenantId));
                await write.Session.SaveChangesAsync(token);
            }
            var tenant = await write.Session.LoadAsync<Tenant>(streamKey, token);
            var response = TenantResponse.From(tenant!);
            return current is null ? Results.Created($"/api/tenants/{tenantId}", response) : Results.Ok(response);
        }, ct);
    }

    /// <summary>The book in force after this request (the new one, or the one kept) must bill in the tenant's currency.</summary>
    private static async Task<IResult?> PriceBookMismatchAsync(IQuerySession session, PutTenant command, Tenant? current, CancellationToken ct)
    {
        if ((command.RetailPriceBookId ?? current?.RetailPriceBookId) is not { } bookId) return null;
        var currency = command.ProfileAfter(current).Currency;
        var book = await session.LoadAsync<PriceBook>(PriceBookStreams.For(bookId), ct);
        if (book is null) return Problems.BadRequest("retailPriceBookId", $"price book '{bookId}' does not exist");
        return book.Currency == currency ? null : Problems.BadRequest("retailPriceBookId",
            $"price book '{bookId}' is in {book.Currency} but the tenant is billed in {currency}; send a retailPriceBookId in {currency} with the currency change");
    }
}
