using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Npgsql;
using TokenLedger.Access;
using TokenLedger.Infrastructure;
using TokenLedger.Usage.Facts;
using Wolverine;

namespace TokenLedger.Pricing.RatingUnratedUsage;

public sealed record UnratedUsagePage(int Page, int PageSize, long TotalGroups, long TotalEvents, string? TenantId, IReadOnlyList<UnratedUsageGroup> Groups);

/// <summary>Operators see what is held unrated and why, and can ask for a full rating pass.</summary>
public static class UnratedUsageEndpoints
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/operator/unrated", List).RequireAuthorization(Policies.Operator)
            .Produces<UnratedUsagePage>().ProducesValidationProblem()
            .WithTags("Pricing").WithSummary("Usage held unrated: groups by side and reason (most events first), or for one tenant by side, reason and model; paged");
        app.MapPost("/api/operator/unrated/rate", RateAll).RequireAuthorization(Policies.Operator)
            .WithTags("Pricing").WithSummary("Try to rate every unrated side now (runs in the background)");
    }

    public static async Task<IResult> List(int? page, int? pageSize, string? tenant, NpgsqlDataSource db, CancellationToken ct)
    {
        if (page is < 1) return Problems.BadRequest("page", "page must be 1 or more");
        if (pageSize is < 1 or > MaxPageSize) return Problems.BadRequest("pageSize", $"pageSize must be between 1 and {MaxPageSize}");
        var (number, size) = (page ?? 1, pageSize ?? DefaultPageSize);
        var tenantId = string.IsNullOrWhiteSpace(tenant) ? null : tenant.Trim();

        var (groups, totalGroups, totalEvents) = await UsageFactsForLateRating.UnratedGroupsAsync(db, tenantId, number, size, ct);
        return Results.Ok(new UnratedUsagePage(number, size, totalGroups, totalEvents, tenantId, groups));
    }

    public static async Task<IResult> RateAll(IMessageBus bus)
    {
        await bus.PublishAsync(new RateUnratedUsage());
        return Results.Accepted();
    }
}
