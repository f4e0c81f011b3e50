using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NodaTime;
using TokenLedger.Access;
using TokenLedger.Compat.MeterMappings;
using TokenLedger.Contracts.Usage;
using TokenLedger.Infrastructure;
using TokenLedger.Usage.RecordingUsage;

namespace TokenLedger.Compat.IngestingOpenMeter;

/// <summary>
/// OpenMeter's ingest, <c>POST {base}/api/v1/events</c> with base <c>/compat/openmeter</c>: CloudEvents 1.0 in structured
/// mode (<c>application/cloudevents+json</c>), batches (<c>application/cloudevents-batch+json</c>), or either as
/// <c>application/json</c>, as OpenMeter accepts them. Answers as OpenMeter does: 204 when every event is recorded (or was
/// already: the ledger eventId is the CloudEvent id scoped by its source), 400 problem+json for a body or a CloudEvent
/// that is not valid (nothing recorded). Unlike OpenMeter, which accepts events no meter matches, an event that cannot
/// be billed is refused on its own: the others are recorded and the answer is 400 naming each refused event.
/// </summary>
public static class OpenMeterIngestEndpoint
{
    public const string Route = "/compat/openmeter/api/v1/events";
    public const string Structured = "application/cloudevents+json";
    public const string Batch = "application/cloudevents-batch+json";

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost(Route, Handle).RequireAuthorization(Policies.Ingest)
            .WithMetadata(ChecksItsOwnText.Instance)
            // No Accepts metadata: routing would answer 415 itself, where OpenMeter answers 400 "invalid content type".
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithTags("Gateways")
            .WithSummary("OpenMeter-compatible ingest of CloudEvents 1.0 (single or batch), mapped onto usage by the meter mappings");

    public static async Task<IResult> Handle(HttpRequest request, UsageCommitter committer, MeterMappingCatalog catalog, IClock clock, CancellationToken ct)
    {
        var mediaType = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (mediaType is not (Structured or Batch or "application/json"))
            return Invalid($"invalid content type: {request.ContentType}; send {Structured}, {Batch} or application/json");

        var (document, problem) = await CompatIngest.ReadJsonAsync(request, ct);
        if (document is null) return Invalid($"invalid event: {problem}");
        using (document)
        {
            var root = document.RootElement;
            var shapeProblem = (mediaType, root.ValueKind) switch
            {
                (Structured, not JsonValueKind.Object) => $"{Structured} carries one CloudEvent object",
                (Batch, not JsonValueKind.Array) => $"{Batch} carries an array of CloudEvents",
                (_, JsonValueKind.Array) when root.GetArrayLength() == 0 => "no events found",
                (_, JsonValueKind.Array) when root.GetArrayLength() > UsageContract.MaxItemsPerMessage =>
                    $"the batch holds {root.GetArrayLength()} events; the limit is {UsageContract.MaxItemsPerMessage}",
                (_, not (JsonValueKind.Array or JsonValueKind.Object)) => "the body must be a CloudEvent or an array of CloudEvents",
                _ => null,
            };
            if (shapeProblem is not null) return Invalid($"invalid event: {shapeProblem}");

            var events = root.ValueKind == JsonValueKind.Object
                ? [CloudEvents.Read(root, null)]
                : root.EnumerateArray().Select((e, i) => CloudEvents.Read(e, i)).ToList();
            // A CloudEvent that breaks the CloudEvents spec fails the whole request, as OpenMeter's decoder does.
            if (events.FirstOrDefault(e => e.Event is null) is { } broken)
                return Invalid($"invalid event{(broken.Index is { } i ? $" at index {i}" : "")}: {string.Join("; ", broken.EnvelopeErrors.Select(e => e.Message))}");

            var now = clock.GetCurrentInstant();
            var items = CompatIngest.ToItems(events, await catalog.CurrentAsync(ct), now);
            var (outcomes, failure) = await PostUsageEndpoint.CommitAsync(request.HttpContext, committer, items, CompatChannels.OpenMeter, ct);
            if (outcomes is null) return failure!;
            return Answer(outcomes, events);
        }
    }

    private static IResult Answer(UsageOutcomes outcomes, IReadOnlyList<CompatEvent> events)
    {
        var rejected = outcomes.Count(UsageItemStatus.Rejected);
        if (rejected == 0) return Results.NoContent();
        var refused = outcomes.Items.Select((o, i) => (o, e: events[i])).Where(x => x.o.Status == UsageItemStatus.Rejected)
            .Select(x => new { index = x.e.Index ?? 0, id = x.e.ForeignId, source = x.e.Scope, errors = x.o.Item.Errors }).ToList();
        var recorded = outcomes.Items.Count - rejected;
        return Results.Problem(
            $"{rejected} of {outcomes.Items.Count} events were refused (reasons in 'events'); the other {recorded} are recorded. " +
            "Resending the whole batch is safe: an event id already recorded is not billed again.",
            statusCode: StatusCodes.Status400BadRequest, title: "Some events were refused",
            extensions: new Dictionary<string, object?>
            {
                ["accepted"] = outcomes.Count(UsageItemStatus.Accepted),
                ["duplicates"] = outcomes.Count(UsageItemStatus.Duplicate),
                ["rejected"] = rejected,
                ["events"] = refused,
            });
    }

    private static IResult Invalid(string detail) =>
        Results.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Bad Request");
}
