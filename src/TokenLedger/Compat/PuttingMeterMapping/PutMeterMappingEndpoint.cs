using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NodaTime;
using TokenLedger.Access;
using TokenLedger.Compat.MeterMappings;
using TokenLedger.Infrastructure;

namespace TokenLedger.Compat.PuttingMeterMapping;

public sealed record MeterMappingResponse(string EventType, bool BuiltIn, MeterMappingContent Current, IReadOnlyList<MeterMappingVersion> Versions);

public sealed record MeterMappingList(IReadOnlyList<MeterMappingResponse> Meters);

/// <summary>
/// Meter mappings (operator): <c>PUT /api/meters/{eventType}</c> publishes a new version, decided against the stream's
/// version (<see cref="LedgerWrites"/>), the acting key recorded as <c>actedBy</c>; a body equal to the latest version
/// changes nothing. <c>GET</c> lists every mapping in force, built-in ones included.
/// </summary>
public static class PutMeterMappingEndpoint
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPut("/api/meters/{eventType}", Put).RequireAuthorization(Policies.Operator)
            .Produces<MeterMappingResponse>().ProducesValidationProblem()
            .WithTags("Gateways").WithSummary("Publish a new version of the mapping of an OpenMeter event type or Lago code onto ledger usage");
        app.MapGet("/api/meters/{eventType}", Get).RequireAuthorization(Policies.Operator)
            .Produces<MeterMappingResponse>().WithTags("Gateways").WithSummary("The mapping of one event type, with every version ever published");
        app.MapGet("/api/meters", List).RequireAuthorization(Policies.Operator)
            .Produces<MeterMappingList>().WithTags("Gateways").WithSummary("Every mapping in force: published ones and the built-in defaults");
    }

    public static async Task<IResult> Put(string eventType, MeterMappingContent body, LedgerWrites writes, MeterMappingCatalog catalog,
        IClock clock, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!LedgerIds.IsValid(eventType)) return Problems.BadRequest("eventType", LedgerIds.Rule("eventType"));
        var validation = MeterMappingContent.Validator.Shared.Validate(body);
        if (!validation.IsValid) return Problems.Validation(validation);

        var key = MeterMappingStreams.For(eventType);
        return await writes.DecideAsync(async (write, token) =>
        {
            var stream = await write.Session.Events.FetchForWriting<MeterMapping>(key, token);
            var current = stream.Aggregate;
            var events = PublishMeterMapping.Decide(current, eventType, body, clock.GetCurrentInstant(), user.KeyId());
            if (events.Length > 0)
            {
                stream.AppendMany(events);
                await write.Session.SaveChangesAsync(token);
                catalog.Invalidate();
            }
            var saved = (await write.Session.LoadAsync<MeterMapping>(key, token))!;
            return current is null ? Results.Created($"/api/meters/{eventType}", Describe(saved)) : Results.Ok(Describe(saved));
        }, ct);
    }

    public static async Task<IResult> Get(string eventType, IQuerySession session, CancellationToken ct)
    {
        if (await session.LoadAsync<MeterMapping>(MeterMappingStreams.For(eventType), ct) is { } mapping) return Results.Ok(Describe(mapping));
        return DefaultMeterMappings.All.TryGetValue(eventType, out var builtIn)
            ? Results.Ok(new MeterMappingResponse(eventType, true, builtIn, []))
            : Problems.NotFound($"No meter mapping for event type '{eventType}'");
    }

    public static async Task<IResult> List(IQuerySession session, CancellationToken ct)
    {
        var published = (await session.Query<MeterMapping>().ToListAsync(ct)).Select(Describe).ToList();
        var builtIn = DefaultMeterMappings.All.Where(d => published.All(p => p.EventType != d.Key))
            .Select(d => new MeterMappingResponse(d.Key, true, d.Value, []));
        return Results.Ok(new MeterMappingList([.. published.Concat(builtIn).OrderBy(m => m.EventType, StringComparer.Ordinal)]));
    }

    private static MeterMappingResponse Describe(MeterMapping mapping) => new(mapping.EventType, false, mapping.Latest.Mapping, mapping.Versions);
}
