using System.Security.Claims;
using FluentValidation;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NodaTime;
using TokenLedger.Access;
using TokenLedger.Infrastructure;
using TokenLedger.Pricing.RatingUnratedUsage;
using TokenLedger.Pricing.RatingUsage;
using Wolverine.Marten;

namespace TokenLedger.Distributors.SettingUpstream;

/// <summary>
/// From <c>effectiveFrom</c> the distributor buys from <c>parentDistributorId</c> (omit it: from the upstream provider),
/// at its own wholesale price book, or at the parent's cost plus <c>commissionPercent</c>.
/// </summary>
public sealed record SetUpstream(string? ParentDistributorId, decimal? CommissionPercent, Instant? EffectiveFrom)
{
    public sealed class Validator : AbstractValidator<SetUpstream>
    {
        public Validator()
        {
            RuleFor(x => x.ParentDistributorId).Must(p => p is null || LedgerIds.IsValid(p)).WithMessage(LedgerIds.Rule("parentDistributorId"));
            RuleFor(x => x.CommissionPercent).InclusiveBetween(0m, 1000m).WithMessage("commissionPercent must be between 0 and 1000");
            RuleFor(x => x.CommissionPercent).Null().When(x => x.ParentDistributorId is null)
                .WithMessage("commissionPercent needs a parentDistributorId: a distributor buying from the provider pays its wholesale price book");
            RuleFor(x => x.EffectiveFrom).NotNull().WithMessage("effectiveFrom is required (an RFC 3339 instant)");
        }
    }

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPut("/api/distributors/{distributorId}/upstream", Handle).RequireAuthorization(Policies.Operator).WithTags("Distributors")
            .WithSummary("Place a distributor in a chain from an instant: under a parent distributor (price-book or commission hop) or directly under the provider");

    public static async Task<IResult> Handle(string distributorId, SetUpstream body, IDocumentSession session, IClock clock, IMartenOutbox outbox, ClaimsPrincipal user, CancellationToken ct)
    {
        var validation = new Validator().Validate(body);
        if (!validation.IsValid) return Problems.Validation(validation);
        var key = DistributorStreams.For(distributorId);
        var stream = await session.Events.FetchForWriting<Distributor>(key, ct);
        if (stream.Aggregate is null) return Problems.NotFound($"Distributor '{distributorId}' was not found");
        if (body.ParentDistributorId is { } parentId)
        {
            if (parentId == distributorId) return Problems.BadRequest("parentDistributorId", "a distributor cannot buy from itself");
            var all = (await session.Query<Distributor>().ToListAsync(ct)).ToDictionary(d => d.DistributorId);
            if (!all.ContainsKey(parentId)) return Problems.BadRequest("parentDistributorId", $"distributor '{parentId}' does not exist");
            if (Ancestors(parentId, all).Contains(distributorId))
                return Problems.BadRequest("parentDistributorId", $"'{parentId}' already buys from '{distributorId}': the chain would loop");
            if (Ancestors(parentId, all).Count + 2 > ChainRating.MaxDepth)
                return Problems.BadRequest("parentDistributorId", $"a chain has at most {ChainRating.MaxDepth} distributors");
        }

        stream.AppendOne(new DistributorUpstreamSet(distributorId, body.ParentDistributorId, body.CommissionPercent, body.EffectiveFrom!.Value, clock.GetCurrentInstant(), user.KeyId()));
        RatingCatalogRevision.Bump(session);
        outbox.Enroll(session);
        await outbox.PublishAsync(new RateUnratedUsage(DistributorId: distributorId));
        await session.SaveChangesAsync(ct);
        return Results.Ok(await session.LoadAsync<Distributor>(key, ct));
    }

    /// <summary>Every distributor above <paramref name="start"/> in any version of the chain (a loop in any version is refused).</summary>
    private static HashSet<string> Ancestors(string start, IReadOnlyDictionary<string, Distributor> all)
    {
        var seen = new HashSet<string>();
        var queue = new Queue<string>([start]);
        while (queue.TryDequeue(out var id))
            foreach (var parent in all.GetValueOrDefault(id)?.Upstream?.Select(u => u.ParentDistributorId).OfType<string>() ?? [])
                if (seen.Add(parent)) queue.Enqueue(parent);
        return seen;
    }
}
