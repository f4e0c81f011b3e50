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

namespace TokenLedger.Compat.IngestingLago;

/// <summary>
/// Lago's event ingest with base <c>/compat/lago/api/v1</c>: <c>POST /events</c> with <c>{"event":{…}}</c> and
/// <c>POST /events/batch</c> with <c>{"events":[…]}</c>. 200 with the events as Lago echoes them when every event is
/// recorded (or was already: a resent transaction_id is not billed twice); 422 <c>validation_errors</c> naming each
/// refused event (by index in a batch) while the others are recorded; 400 when the body is not Lago's shape.
/// </summary>
public static class LagoIngestEndpoint
{
    public const string Route = "/compat/lago/api/v1/events";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost(Route, (HttpRequest r, UsageCommitter c, MeterMappingCatalog m, IClock k, CancellationToken ct) => Handle(r, c, m, k, batch: false, ct))
            .RequireAuthorization(Policies.Ingest).WithMetadata(ChecksItsOwnText.Instance)
            .Produces<JsonElement>().WithTags("Gateways")
            .WithSummary("Lago-compatible ingest of one event {\"event\":{…}}, mapped onto usage by the meter mapping its code names");
        app.MapPost(Route + "/batch", (HttpRequest r, UsageCommitter c, MeterMappingCatalog m, IClock k, CancellationToken ct) => Handle(r, c, m, k, batch: true, ct))
            .RequireAuthorization(Policies.Ingest).WithMetadata(ChecksItsOwnText.Instance)
            .Produces<JsonElement>().WithTags("Gateways")
            .WithSummary("Lago-compatible ingest of a batch {\"events\":[…]}; each event is recorded or refused on its own");
    }

    public static async Task<IResult> Handle(HttpRequest request, UsageCommitter committer, MeterMappingCatalog catalog, IClock clock, bool batch, CancellationToken ct)
    {
        var (document, problem) = await CompatIngest.ReadJsonAsync(request, ct);
        if (document is null) return BadRequest(problem!);
        using (document)
        {
            var root = document.RootElement;
            var member = batch ? "events" : "event";
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty(member, out var payload))
                return BadRequest($"param is missing or the value is empty: {member}");
            if (batch && (payload.ValueKind != JsonValueKind.Array || payload.GetArrayLength() is 0 or > UsageContract.MaxItemsPerMessage))
                return BadRequest($"events must be an array of 1 to {UsageContract.MaxItemsPerMessage} events");

            var events = batch ? payload.EnumerateArray().Select((e, i) => LagoEvents.Read(e, i)).ToList() : [LagoEvents.Read(payload, null)];
            var now = clock.GetCurrentInstant();
            var items = CompatIngest.ToItems(events, await catalog.CurrentAsync(ct), now);
            var (outcomes, failure) = await PostUsageEndpoint.CommitAsync(request.HttpContext, committer, items, CompatChannels.Lago, ct);
            if (outcomes is null) return failure!;
            return Answer(outcomes, events, batch, now);
        }
    }

    private static IResult Answer(UsageOutcomes outcomes, IReadOnlyList<CompatEvent> events, bool batch, Instant now)
    {
        var rejected = outcomes.Count(UsageItemStatus.Rejected);
        if (rejected > 0)
        {
            var details = outcomes.Items.Select((o, i) => (o, i)).Where(x => x.o.Status == UsageItemStatus.Rejected)
                .ToDictionary(x => x.i.ToString(System.Globalization.CultureInfo.InvariantCulture), x => Fields(x.o.Item.Errors));
            object errorDetails = batch ? details : details.Values.Single();
            return Results.Json(new Dictionary<string, object?>
            {
                ["status"] = 422, ["error"] = "Unprocessable Entity", ["code"] = "validation_errors", ["error_details"] = errorDetails,
                ["accepted"] = outcomes.Count(UsageItemStatus.Accepted), ["duplicates"] = outcomes.Count(UsageItemStatus.Duplicate), ["rejected"] = rejected,
            }, statusCode: StatusCodes.Status422UnprocessableEntity);
        }
        var echoed = outcomes.Items.Select((o, i) => Echo(o.Item.Record!, events[i], now)).ToList();
        return batch ? Results.Ok(new { events = echoed }) : Results.Ok(new { @event = echoed[0] });
    }

    private static Dictionary<string, string[]> Fields(IReadOnlyList<Usage.RecordingUsage.UsageFieldError> errors) =>
        errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray());

    /// <summary>The event as Lago echoes it; <c>lago_id</c> is the ledger eventId, <c>lago_customer_id</c> null as in Lago's asynchronous answer.</summary>
    private static Dictionary<string, object?> Echo(Usage.UsageRecord record, CompatEvent compat, Instant now)
    {
        var envelope = compat.Element;
        string? Text(string name) => envelope.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        return new Dictionary<string, object?>
        {
            ["lago_id"] = record.EventId,
            ["transaction_id"] = compat.ForeignId,
            ["lago_customer_id"] = null,
            ["code"] = compat.Event!.Type,
            ["timestamp"] = Rfc3339.Format(record.OccurredAt),
            ["precise_total_amount_cents"] = null,
            ["properties"] = envelope.TryGetProperty("properties", out var p) ? p.Clone() : null,
            ["external_subscription_id"] = Text("external_subscription_id"),
            ["external_customer_id"] = Text("external_customer_id"),
            ["created_at"] = Rfc3339.Format(now),
        };
    }

    private static IResult BadRequest(string error) => Results.Json(new { status = 400, error = $"BadRequest: {error}" }, statusCode: StatusCodes.Status400BadRequest);
}
