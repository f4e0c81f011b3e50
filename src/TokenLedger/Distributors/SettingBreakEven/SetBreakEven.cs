using System.Security.Claims;
using FluentValidation;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NodaTime;
using TokenLedger.Access;
using TokenLedger.Infrastructure;
using TokenLedger.Pricing;

namespace TokenLedger.Distributors.SettingBreakEven;

/// <summary>A distributor's cost basis per million tokens of one model, per token class.</summary>
public sealed record SetBreakEven(decimal InputPerMillion, decimal CachedInputPerMillion, decimal CacheWritePerMillion, decimal OutputPerMillion)
{
    public sealed class Validator : AbstractValidator<SetBreakEven>
    {
        public Validator()
        {
            RuleFor(x => x.InputPerMillion).GreaterThanOrEqualTo(0).WithMessage("inputPerMillion must be 0 or more");
            RuleFor(x => x.CachedInputPerMillion).GreaterThanOrEqualTo(0).WithMessage("cachedInputPerMillion must be 0 or more");
            RuleFor(x => x.CacheWritePerMillion).GreaterThanOrEqualTo(0).WithMessage("cacheWritePerMillion must be 0 or more");
            RuleFor(x => x.OutputPerMillion).GreaterThanOrEqualTo(0).WithMessage("outputPerMillion must be 0 or more");
            RuleFor(x => x.InputPerMillion).AtMost(Bounds.MaxPricePerMillion, "inputPerMillion");
            RuleFor(x => x.CachedInputPerMillion).AtMost(Bounds.MaxPricePerMillion, "cachedInputPerMillion");
            RuleFor(x => x.CacheWritePerMillion).AtMost(Bounds.MaxPricePerMillion, "cacheWritePerMillion");
            RuleFor(x => x.OutputPerMillion).AtMost(Bounds.MaxPricePerMillion, "outputPerMillion");
        }
    }

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPut("/api/distributors/{distributorId}/break-even/{model}", Handle).WithTags("Distributors")
            .WithSummary("Record the distributor's own cost per million tokens of a model; margin reports by model show price against it");

    public static async Task<IResult> Handle(string distributorId, string model, SetBreakEven body, ClaimsPrincipal user, IDocumentSession session, IClock clock, CancellationToken ct)
    {
        var key = DistributorStreams.For(distributorId);
        var stream = await session.Events.FetchForWriting<Distributor>(key, ct);
        if (!user.MayActForDistributor(distributorId) || stream.Aggregate is null) return Problems.NotFound($"Distributor '{distributorId}' was not found");
        var validation = new Validator().Validate(body);
        if (!validation.IsValid) return Problems.Validation(validation);
        var prices = new TokenPrices(body.InputPerMillion, body.CachedInputPerMillion, body.CacheWritePerMillion, body.OutputPerMillion);
        stream.AppendOne(new BreakEvenCostSet(distributorId, model, prices, clock.GetCurrentInstant(), user.KeyId()));
        await session.SaveChangesAsync(ct);
        return Results.Ok(await session.LoadAsync<Distributor>(key, ct));
    }
}
