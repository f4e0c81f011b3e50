using System.Security.Claims;
using FluentValidation;
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

namespace TokenLedger.Distributors.RegisteringDistributor;

/// <summary>Registers a distributor or changes it. Use the id "house" for the ledger owner's own upstream purchases.</summary>
public sealed record PutDistributor(string DistributorId, string Name, string? WholesalePriceBookId, string? ActedBy = null)
{
    public sealed class Validator : AbstractValidator<PutDistributor>
    {
        public Validator()
        {
            RuleFor(x => x.DistributorId).Matches(LedgerIds.Pattern).WithMessage(LedgerIds.Rule("distributorId"));
            RuleFor(x => x.Name).NotEmpty().WithMessage("name is required").MaximumLength(200);
        }
    }

    public static object[] Decide(Distributor? current, PutDistributor command, Instant now) => current switch
    {
        null => [new DistributorRegistered(command.DistributorId, command.Name, command.WholesalePriceBookId, now, command.ActedBy)],
        _ when current.Name == command.Name && current.WholesalePriceBookId == command.WholesalePriceBookId => [],
        _ => [new DistributorChanged(command.DistributorId, command.Name, command.WholesalePriceBookId, now, command.ActedBy)],
    };
}

public sealed record PutDistributorRequest(string? Name, string? WholesalePriceBookId);

public sealed record DistributorResponse(string DistributorId, string Name, string? WholesalePriceBookId);

public static class PutDistributorEndpoint
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPut("/api/distributors/{distributorId}", Handle).RequireAuthorization(Policies.Operator)
            .WithTags("Distributors")
            .WithSummary("Register a distributor (or 'house') and the wholesale price book its upstream usage is rated at");

    public static async Task<IResult> Handle(string distributorId, PutDistributorRequest body, IQuerySession query, LedgerWrites writes, IClock clock, ClaimsPrincipal user, CancellationToken ct)
    {
        var command = new PutDistributor(distributorId, body.Name ?? "", body.WholesalePriceBookId, user.KeyId());
        var validation = new PutDistributor.Validator().Validate(command);
        if (!validation.IsValid) return Problems.Validation(validation);
        if (command.WholesalePriceBookId is { } book && await query.LoadAsync<PriceBook>(PriceBookStreams.For(book), ct) is null)
            return Problems.BadRequest("wholesalePriceBookId", $"price book '{book}' does not exist");

        var key = DistributorStreams.For(distributorId);
        return await writes.DecideAsync(async (write, token) =>
        {
            var stream = await write.Session.Events.FetchForWriting<Distributor>(key, token);
            var current = stream.Aggregate;
            var events = PutDistributor.Decide(current, command, clock.GetCurrentInstant());
            if (events.Length > 0)
            {
                stream.AppendMany(events);
                RatingCatalogRevision.Bump(write.Session);
                await write.Outbox.PublishAsync(new RateUnratedUsage(DistributorId: distributorId));
                await write.Session.SaveChangesAsync(token);
            }
            var saved = (await write.Session.LoadAsync<Distributor>(key, token))!;
            var response = new DistributorResponse(saved.DistributorId, saved.Name, saved.WholesalePriceBookId);
            return current is null ? Results.Created($"/api/distributors/{distributorId}", response) : Results.Ok(response);
        }, ct);
    }
}
